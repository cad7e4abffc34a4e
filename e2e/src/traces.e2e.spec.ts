import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { eventually, freePort, type OtlpReceiver, type ReceivedSpan, startOtlpReceiver, TASKER_CLI, TaskerSystem, type TasksGrpcClient, tasksGrpcClient } from "@tasker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const exec = promisify(execFile);

/**
 * One task run is one trace: every service in its own process exports over OTLP/HTTP to a receiver
 * of the test's; a root calls the keystore, sleeps, calls a child task (which calls a task of its
 * own twice), waits for a signal while its executor is replaced by a new process, then calls a second child. Every span of
 * the run is in one trace, in the run's call tree, and none carries the input, a result or the secret.
 */
const ROOT = `/** @uses keystore */
module.exports = async (input, { tools }) => {
  const token = await tools.keystore.get("api-token");
  await tools.sleep(1);
  const child = await tools.tasks.execute("traced-child", { word: input.word });
  await tools.signals.wait("go");
  const second = await tools.tasks.execute("traced-leaf", { word: input.word });
  return { child, second, tokenLength: token.length };
};`;
// Its second leaf starts before the child's activation is recorded (the executor saw the leaf start quickly and end): its span is there all the same.
const CHILD = `module.exports = async (input, { tools }) => ({ leaf: await tools.tasks.execute("traced-leaf", input), again: await tools.tasks.execute("traced-leaf", input) });`;
const LEAF = `module.exports = async (input) => ({ upper: String(input.word).toUpperCase() });`;

const SECRET = `s3cret-${randomBytes(12).toString("hex")}`;
const WORD = `word-${randomBytes(12).toString("hex")}`;
/** Texts no span may carry: the input, the results built from it, the secret. */
const FORBIDDEN = [WORD, WORD.toUpperCase(), SECRET];

const SERVER = 2;
const CLIENT = 3;

/** Every text a span carries: its name, its attributes' values, its events' names and attributes. */
function textsOf(span: ReceivedSpan): string[] {
  const values = [span.attributes, ...span.events.map((event) => event.attributes)].flatMap((attributes) => Object.values(attributes).map((value) => JSON.stringify(value)));
  return [span.name, ...span.events.map((event) => event.name), ...values];
}

describe.each(["http/protobuf", "http/json"])("traces over OTLP %s", (protocol) => {
  let receiver: OtlpReceiver;
  let tasker: TaskerSystem;
  let grpc: TasksGrpcClient;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    const grpcPort = await freePort();
    grpc = tasksGrpcClient(`127.0.0.1:${grpcPort}`);
    tasker = await TaskerSystem.start({
      GRPC_PORT: String(grpcPort),
      TASKER_MASTER_KEY: randomBytes(32).toString("base64"),
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
      OTEL_BSP_SCHEDULE_DELAY: "100",
    });
    await exec(process.execPath, [TASKER_CLI, "keys", "set", "api-token", "--value", SECRET], { env: { ...process.env, TASKER_URL: tasker.url } });
    await tasker.publish("traced-root", ROOT);
    await tasker.publish("traced-child", CHILD);
    await tasker.publish("traced-leaf", LEAF);
  }, 60_000);

  afterAll(async () => {
    grpc?.close();
    await tasker?.stop();
    await receiver?.close();
  });

  it("exports the run as one trace: its call tree across services, suspensions and a new executor, with nothing of its input, results or secrets", async () => {
    const taskRunId = await tasker.submit("traced-root", { word: WORD });
    await eventually(async () => {
      const { body } = await tasker.request<{ waitingOn?: { service: string }[] }>("GET", `/tasks/${taskRunId}`);
      return body.waitingOn?.some((call) => call.service === "signals") ?? false;
    }, "the root waits for its signal");
    // The VMs of the run go with the process: the next activations are replayed by another one.
    await tasker.kill("executor", "SIGTERM");
    await tasker.startService("executor");
    expect((await tasker.request("POST", `/tasks/${taskRunId}/signals/go`, { payload: null })).status).toBe(202);
    const run = await tasker.result(taskRunId);
    expect(run.status).toBe("completed");
    expect(run.result).toEqual({ child: { leaf: { upper: WORD.toUpperCase() }, again: { upper: WORD.toUpperCase() } }, second: { upper: WORD.toUpperCase() }, tokenLength: SECRET.length });

    const ofRun = () => receiver.spans().filter((span) => span.attributes["tasker.task_run.id"] === taskRunId);
    const named = (name: string) => ofRun().filter((span) => span.name === name);
    await eventually(
      () => named("task traced-root").length === 1 && named("task traced-leaf").length === 3 && named("task traced-child").length === 1 && named("call sleep.sleep").length === 1,
      "the stack runs' spans arrived",
    );
    const [root] = named("task traced-root");
    const traceId = root!.traceId;
    const trace = () => receiver.spans().filter((span) => span.traceId === traceId);
    const ofRoot = () => trace().filter((span) => span.name.startsWith("activation ") && span.attributes["tasker.stack_run.id"] === root!.attributes["tasker.stack_run.id"]);
    await eventually(() => ofRoot().length === 6, "the root's six activations' spans arrived");

    // One trace: every span about the run is in it.
    expect(ofRun().filter((span) => span.traceId !== traceId)).toEqual([]);
    const byId = new Map(trace().map((span) => [span.spanId, span]));
    const parentOf = (span: ReceivedSpan) => byId.get(span.parentSpanId);

    // The gateway minted it: the request's span (the HTTP instrumentation's), then the submission's.
    const submit = parentOf(root!)!;
    expect(submit).toMatchObject({ name: "submit traced-root", service: "tasker-gateway" });
    expect(parentOf(submit)).toMatchObject({ kind: SERVER, service: "tasker-gateway" });
    expect(parentOf(submit)!.name).toBe("POST");
    expect(Object.values(parentOf(submit)!.attributes)).toContain("/tasks");
    // The root covers submission to completion.
    expect(root!.startMs).toBeLessThanOrEqual(submit.endMs);
    expect(root!.endMs).toBeGreaterThanOrEqual(Math.max(...trace().filter((span) => span.name.startsWith("task traced-")).map((span) => span.endMs)));

    // The call tree: root → child → leaf, root → second leaf, root → the keystore call → its attempt,
    // root → the sleep (its span recorded by the timers process that fired it), root → the signal wait
    // (recorded by whoever answered it with the signal).
    const [child] = named("task traced-child");
    expect(child!.parentSpanId).toBe(root!.spanId);
    const leaves = named("task traced-leaf");
    expect(leaves.map((leaf) => leaf.parentSpanId).sort()).toEqual([root!.spanId, child!.spanId, child!.spanId].sort());
    const [call] = named("call keystore.get");
    expect(call).toMatchObject({ parentSpanId: root!.spanId, service: "tasker-keystore" });
    expect(trace().find((span) => span.name === "keystore/get")).toMatchObject({ parentSpanId: call!.spanId, kind: CLIENT, attributes: { "tasker.attempt": 1 } });
    expect(named("call sleep.sleep")).toMatchObject([{ parentSpanId: root!.spanId, service: "tasker-timers", attributes: { "tasker.outcome": "completed" } }]);
    await eventually(() => named("call signals.wait").length === 1, "the signal wait's span arrived");
    expect(named("call signals.wait")).toMatchObject([{ parentSpanId: root!.spanId, attributes: { "tasker.outcome": "completed" } }]);

    // The root's activations are children of its span: a start, a resume per batch from the cached VM;
    // after the executor was replaced, the new process rebuilt the VM by replay, in the same trace.
    const activations = ofRoot().sort((a, b) => (a.attributes["tasker.activation"] as number) - (b.attributes["tasker.activation"] as number));
    expect(activations.every((span) => span.parentSpanId === root!.spanId)).toBe(true);
    expect(activations.map((span) => [span.attributes["tasker.activation"], span.name])).toEqual([
      [1, "activation start"],
      [2, "activation resume"],
      [3, "activation resume"],
      [4, "activation resume"],
      [5, "activation replay"],
      [6, "activation resume"],
    ]);

    // The bus and the database are in it: publishes, consumes, appends and their statements (pg's spans).
    const names = new Set(trace().map((span) => span.name));
    expect(names).toContain("publish stack.created");
    expect(names).toContain("consume stack.created");
    expect(names).toContain("append");
    expect(trace().some((span) => span.name !== "append" && (span.attributes["db.system"] === "postgresql" || span.attributes["db.system.name"] === "postgresql"))).toBe(true);
    const services = new Set(trace().map((span) => span.service));
    for (const service of ["tasker-gateway", "tasker-executor", "tasker-keystore"]) expect(services).toContain(service);

    // Nothing of the input, the results or the secret, in any span received.
    const leaking = receiver.spans().filter((span) => textsOf(span).some((text) => FORBIDDEN.some((forbidden) => text.includes(forbidden))));
    expect(leaking.map((span) => span.name)).toEqual([]);
    expect(new Set(receiver.contentTypes())).toEqual(new Set([protocol === "http/json" ? "application/json" : "application/x-protobuf"]));
  });

  it("starts the trace of a run submitted over gRPC under the gRPC instrumentation's server span", async () => {
    const { response, error } = await grpc.call("SubmitTask", { taskName: "traced-leaf", inputJson: JSON.stringify({ word: WORD }) });
    expect(error).toBeUndefined();
    const taskRunId = response!.taskRunId as string;
    expect((await tasker.result(taskRunId)).status).toBe("completed");
    const leaf = () => receiver.spans().find((span) => span.name === "task traced-leaf" && span.attributes["tasker.task_run.id"] === taskRunId);
    await eventually(() => leaf() !== undefined, "the run's root span arrived");
    // The gateway exports its spans on its own schedule: the root's parent may arrive after the root.
    const parentOf = (child: { parentSpanId?: string }) => receiver.spans().find((span) => span.spanId === child.parentSpanId);
    await eventually(() => parentOf(leaf()!) !== undefined, "the root span's parent arrived");
    const submit = parentOf(leaf()!);
    expect(submit).toMatchObject({ name: "submit traced-leaf", traceId: leaf()!.traceId });
    await eventually(() => parentOf(submit!) !== undefined, "the submit span's parent arrived");
    const server = parentOf(submit!);
    expect(server).toMatchObject({ kind: SERVER, service: "tasker-gateway", traceId: leaf()!.traceId });
    expect(server!.name).toContain("SubmitTask");
    expect(receiver.spans().filter((span) => textsOf(span).some((text) => FORBIDDEN.some((forbidden) => text.includes(forbidden)))).map((span) => span.name)).toEqual([]);
  });
});
