/** Usage: npx tsx scripts/bench-pcap.ts [sizeMB=500] — capture reading + TCP tracking throughput vs tshark. */
import { benchCapture } from "../lib/parsers/pcap/bench";

export { benchCapture };

const isMain = process.argv[1] && /bench-pcap\.ts$/.test(process.argv[1]);
if (isMain) {
  const r = await benchCapture(Number(process.argv[2] ?? 500));
  console.log(`${r.sizeMB.toFixed(0)} MB, ${r.packets} packets, ${r.connections} connections (${r.races} races)`);
  console.log(
    `parse+track: ${r.seconds.toFixed(2)} s, ${r.mbPerS.toFixed(1)} MB/s, ${Math.round(r.packetsPerS)} packets/s, peak RSS ${r.peakRssMB.toFixed(0)} MB`,
  );
  if (r.tsharkSeconds !== null)
    console.log(`tshark -q -z conv,tcp: ${r.tsharkSeconds.toFixed(2)} s (tshark/ours = ${r.tsharkRatio!.toFixed(2)}x)`);
}
