import { z } from "zod";

/** An event's schema: its literal `type` and the shape of its `data`. */
export function defineEvent<const T extends string, D extends z.ZodType>(type: T, data: D) {
  return z.object({ type: z.literal(type), data });
}
