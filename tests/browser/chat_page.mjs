// Opens the chat example's page in two tabs of headless Chromium, has each tab say something,
// and checks that both tabs show both messages. Prints one JSON line with what each tab shows;
// exits non-zero on any failure.
//
//   node chat_page.mjs BASE_URL SCREENSHOT_PATH
import { chromium } from "playwright-core";

const [base, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  // Without these, Chromium reaches out to Google's hosts, which this machine's network refuses.
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
const result = { tab1: [], tab2: [], status: [] };
try {
  const context = await browser.newContext({ viewport: { width: 900, height: 600 } });
  const tabs = [await context.newPage(), await context.newPage()];
  for (const tab of tabs) {
    await tab.goto(`${base}/static/chat.html?room=e2e`);
    await tab.locator("#status", { hasText: "connected" }).waitFor({ timeout: 20000 });
  }
  const say = async (tab, text) => {
    await tab.fill("#text", text);
    await tab.click("#say button");
    for (const other of tabs) {
      await other.locator("#messages li", { hasText: text }).waitFor({ timeout: 20000 });
    }
  };
  await say(tabs[0], "hello from tab 1");
  await say(tabs[1], "hi back from tab 2");
  result.tab1 = await tabs[0].$$eval("#messages li", (items) => items.map((i) => i.textContent));
  result.tab2 = await tabs[1].$$eval("#messages li", (items) => items.map((i) => i.textContent));
  result.status = await Promise.all(tabs.map((tab) => tab.textContent("#status")));
  await tabs[0].screenshot({ path: screenshot });
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
