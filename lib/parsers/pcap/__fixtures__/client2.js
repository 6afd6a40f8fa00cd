const net = require("net");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function conn(host) {
  const s = net.connect(28099, host);
  let buf = "";
  s.on("data", (d) => (buf += d.toString("latin1")));
  const waitFor = async (re) => { while (!re.test(buf)) await sleep(5); buf = ""; };
  return { s, waitFor, ready: new Promise((r) => s.on("connect", r)) };
}
(async () => {
  const a = conn("127.0.0.1"); await a.ready;
  a.s.write("GET /a HTTP/1.1\r\nHost: x\r\n\r\n"); await a.waitFor(/\}$/);
  a.s.write("GET /b HTTP/1.1\r\nHost: x\r\n\r\n"); await a.waitFor(/\}$/);
  a.s.write("POST /post HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"); await sleep(20);
  a.s.write("bb8\r\n" + "x".repeat(3000) + "\r\n0\r\n\r\n"); await a.waitFor(/\}$/);
  a.s.write("GET /chunked HTTP/1.1\r\nHost: x\r\n\r\n"); await a.waitFor(/0\r\n\r\n$/);
  await new Promise((r) => a.s.on("end", r)); a.s.end(); // server closes after its 1 s keep-alive timeout
  const b = conn("::1"); await b.ready;
  b.s.write("GET /v6 HTTP/1.1\r\nHost: x\r\n\r\n"); await b.waitFor(/\}$/);
  b.s.write("HEAD /v6b HTTP/1.1\r\nHost: x\r\n\r\n"); await b.waitFor(/\r\n\r\n$/);
  b.s.end(); await sleep(50);
  await new Promise((ok) => { const s = net.connect(28098, "127.0.0.1"); s.on("error", () => ok()); s.on("connect", ok); });
  await sleep(50);
  console.log("done");
})();
