-- POST /echo with a ~1 KiB JSON body.
local items = {}
for i = 1, 12 do
  items[#items + 1] = string.format('{"id":%d,"name":"item-%d","tags":["alpha","beta","gamma"],"price":%d.5}', i, i, i * 3)
end
wrk.method = "POST"
wrk.body = '{"order":42,"customer":"ada","items":[' .. table.concat(items, ",") .. ']}'
wrk.headers["Content-Type"] = "application/json"
