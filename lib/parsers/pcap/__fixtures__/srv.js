const http = require("http");
const s = http.createServer((req, res) => {
  let n = 0; req.on("data", (d) => (n += d.length));
  req.on("end", () => {
    if (req.url === "/chunked") { res.writeHead(200, { "content-type": "text/plain" }); res.write("hello "); res.end("world"); return; }
    const b = JSON.stringify({ ok: true, url: req.url, n }); res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(b), "keep-alive": "timeout=1" }); res.end(b);
  });
});
s.keepAliveTimeout = 1000;
s.listen(28099, "::", () => console.log("up"));
