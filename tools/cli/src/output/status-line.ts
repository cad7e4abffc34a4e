import type { Io } from "../io.js";
import { seconds } from "./format.js";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** A live status line on stderr with the time since `startedAt`. */
export interface StatusLine {
  update(text: string): void;
  /** Clears the line (a terminal) and stops the timer. */
  stop(): void;
}

/**
 * On a terminal, a spinner line rewritten in place every 100 ms; otherwise one line per change of
 * text, so that logs of a non-interactive run stay readable.
 */
export function createStatusLine(io: Io, startedAt: number, now: () => number = Date.now): StatusLine {
  let text = "";
  if (!io.errIsTty) {
    return {
      update(next) {
        if (next !== text) io.err(`${next}  ${seconds(now() - startedAt)}\n`);
        text = next;
      },
      stop() {},
    };
  }
  let frame = 0;
  const draw = () => {
    if (text === "") return;
    const time = `  ${seconds(now() - startedAt)}`;
    const room = Math.max(10, (io.errColumns ?? 100) - 3 - time.length);
    const shown = text.length > room ? `${text.slice(0, room - 1)}…` : text;
    io.err(`\r\x1b[K${FRAMES[frame++ % FRAMES.length]} ${shown}${time}`);
  };
  const timer = setInterval(draw, 100);
  return {
    update(next) {
      text = next;
      draw();
    },
    stop() {
      clearInterval(timer);
      io.err("\r\x1b[K");
    },
  };
}
