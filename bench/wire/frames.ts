// What every benchmark connection reports for each WebSocket frame it receives, with the arrival
// time read before any parsing, so parsing cost never shows up as latency.
export type FrameHandler = (frame: Uint8Array, arrivedAt: number) => void;
