import { newId, type RecordedEvent } from "@tasker/contracts";
import { record, runEvents } from "@tasker/testing";
import { describe, expect, it } from "vitest";
import { foldRun } from "./evolve.js";
import { RunStates } from "./run-states.js";

/** A stream in memory that counts its reads. */
function streamOf(events: RecordedEvent[]) {
  const reads: number[] = [];
  return {
    reads,
    append: (more: RecordedEvent[]) => events.push(...more),
    async readStream(_streamId: string, fromVersion = 1) {
      reads.push(fromVersion);
      return events.filter((event) => event.metadata.streamVersion >= fromVersion);
    },
  };
}

describe("RunStates", () => {
  const r = runEvents();
  const child = newId();
  const history = record(r.taskRunId, [...r.submitted(), r.call(child, 0), r.suspended(1, [0])]);
  const streamId = history[0]!.metadata.streamId;

  it("reads only the tail since its last read", async () => {
    const stream = streamOf([...history.slice(0, 2)]);
    const runs = new RunStates(stream);
    await runs.read(streamId);
    stream.append(history.slice(2));
    expect(await runs.read(streamId)).toEqual(foldRun(history));
    expect(stream.reads).toEqual([1, 3]);
  });

  it("folds what this process appended without reading, and reads when another writer came in between", async () => {
    const stream = streamOf([...history]);
    const runs = new RunStates(stream);
    runs.absorbSubmission(history[1]!);
    runs.absorb(streamId, history.slice(2));
    expect(await runs.latest(streamId, 0)).toEqual(foldRun(history));
    expect(stream.reads).toEqual([]);
    const [theirs, ours] = record(r.taskRunId, [r.completed(child, 1), r.resumed(2)], history.length + 1);
    stream.append([theirs!, ours!]);
    runs.absorb(streamId, [ours!]);
    expect(await runs.latest(streamId, 0)).toEqual(foldRun([...history, theirs!, ours!]));
    expect(stream.reads).toEqual([history.length + 1]);
  });

  it("reads when it does not know the run as far as the event a decision acts on", async () => {
    const stream = streamOf([...history]);
    const runs = new RunStates(stream);
    runs.absorbSubmission(history[1]!);
    expect(await runs.latest(streamId, history.length)).toEqual(foldRun(history));
    expect(stream.reads).toEqual([3]);
  });

  it("learns a run from its root's creation alone, as if from its submission", () => {
    const runs = new RunStates(streamOf([]));
    runs.absorbSubmission(history[1]!);
    return expect(runs.latest(streamId, 0)).resolves.toEqual(foldRun(history.slice(0, 2)));
  });
});
