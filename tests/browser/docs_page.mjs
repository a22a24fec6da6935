// Loads the docs page of a running lauren app in headless Chromium, checks that every operation
// of its document is listed, runs "Try it out" on one against the live server, and keeps a
// screenshot. Prints one JSON line with what it saw; exits non-zero on any failure.
//
//   node docs_page.mjs BASE_URL SCREENSHOT_PATH 'METHOD /path' ... -- 'METHOD /path' NAME=VALUE..
//
// The operations before `--` must all be listed; the one after `--` is executed with the given
// parameters and must answer 200.
import { chromium } from "playwright-core";

const [base, screenshot, ...rest] = process.argv.slice(2);
const split = rest.indexOf("--");
const expected = rest.slice(0, split);
const [tryOut, ...params] = rest.slice(split + 1);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  // Without these, Chromium reaches out to Google's hosts, which this machine's network refuses.
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
const result = { listed: [], missing: [], executed: null };
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 2000 } });
  const offsite = [];
  page.on("request", (request) => {
    if (!request.url().startsWith(base)) offsite.push(request.url());
  });
  await page.goto(`${base}/docs`);
  await page.waitForSelector(".opblock", { timeout: 20000 });

  result.listed = await page.$$eval(".opblock", (blocks) =>
    blocks.map((block) => {
      const method = block.querySelector(".opblock-summary-method")?.textContent?.trim() ?? "";
      // Deprecated operations carry another class; every path element has `data-path`.
      const path = block.querySelector(".opblock-summary [data-path]")?.getAttribute("data-path") ?? "";
      return `${method.toUpperCase()} ${path}`;
    }),
  );
  result.missing = expected.filter((op) => !result.listed.includes(op));

  const [method, path] = tryOut.split(" ");
  const block = page.locator(`.opblock-${method.toLowerCase()}`, {
    has: page.locator(`.opblock-summary [data-path="${path}"]`),
  });
  await block.locator(".opblock-summary").first().click();
  await block.locator("button.try-out__btn").click();
  for (const param of params) {
    const [name, value] = param.split("=");
    await block.locator(`tr[data-param-name="${name}"] input`).fill(value);
  }
  await block.locator("button.execute").click();
  // The table's first status cell is its header ("Code"): take the response row's.
  const status = block.locator(".live-responses-table tr.response .response-col_status").first();
  await status.waitFor({ timeout: 20000 });
  result.executed = {
    status: (await status.textContent()).trim(),
    body: (await block.locator(".live-responses-table .microlight").first().textContent()).trim(),
  };
  result.offsite = offsite;
  await page.screenshot({ path: screenshot, fullPage: true });
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
const ok = result.missing.length === 0 && result.executed?.status === "200" && result.offsite.length === 0;
process.exit(ok ? 0 : 1);
