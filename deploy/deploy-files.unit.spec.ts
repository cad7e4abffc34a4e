import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { loadDatabaseConfig } from "@tasker/database-proxy";
import { loadGapiConfig } from "@tasker/gapi-proxy";
import { loadOpenAiConfig } from "@tasker/openai-proxy";
import { loadConfig } from "@tasker/platform";
import { serviceSettings, settingsPrefix } from "@tasker/service-kit";
import { loadWebsearchConfig } from "@tasker/websearch-proxy";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { KNOWN_SERVICES } from "../tools/cli/src/services/known-services.js";

// No Docker engine, cluster or kustomize binary here: the deployment files are checked as data,
// against the code they deploy (the services `tasker start` knows, the variables its schemas read).
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DEPLOY = join(ROOT, "deploy");
type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed YAML, checked field by field
type Env = Record<string, string>;

const readYaml = (path: string): Doc[] =>
  parseAllDocuments(readFileSync(path, "utf8"), { merge: true }).map((doc) => {
    expect(doc.errors, `${relative(ROOT, path)}: ${doc.errors.map(String).join("; ")}`).toEqual([]);
    return doc.toJS() as Doc;
  });
const yamlFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
const idOf = (doc: Doc) => `${doc["kind"]}/${doc["metadata"]?.["name"]}`;

/** The resources a kustomization builds (its resources', recursively), and each patch's target checked. */
function kustomize(dir: string): Doc[] {
  const [kustomization] = readYaml(join(dir, "kustomization.yaml"));
  const docs: Doc[] = [];
  for (const resource of kustomization!["resources"] ?? []) {
    const path = join(dir, resource);
    expect(existsSync(path), `${relative(ROOT, dir)} lists ${resource}, which does not exist`).toBe(true);
    docs.push(...(statSync(path).isDirectory() ? kustomize(path) : readYaml(path)));
  }
  for (const patch of kustomization!["patches"] ?? []) {
    const path = join(dir, patch.path);
    expect(existsSync(path), `${relative(ROOT, dir)}: patch ${patch.path} does not exist`).toBe(true);
    const [body] = readYaml(path);
    const target = `${patch.target.kind}/${patch.target.name}`;
    expect(docs.map(idOf), `${patch.path} targets ${target}, which nothing defines`).toContain(target);
    expect(idOf(body!), `${patch.path} patches another resource than its target`).toBe(target);
    const patched = docs.find((doc) => idOf(doc) === target)!;
    const containerNames = (doc: Doc): string[] => (doc["spec"]?.["template"]?.["spec"]?.["containers"] ?? []).map((container: Doc) => container["name"]);
    for (const container of containerNames(body!)) expect(containerNames(patched), `${patch.path} patches a container ${target} does not have`).toContain(container);
  }
  for (const generator of kustomization!["secretGenerator"] ?? []) {
    if (generator.behavior === "replace" || generator.behavior === "merge") expect(docs.map(idOf)).toContain(`Secret/${generator.name}`);
  }
  for (const image of kustomization!["images"] ?? []) {
    const used = docs.flatMap((doc) => doc["spec"]?.["template"]?.["spec"]?.["containers"] ?? []).map((container: Doc) => container["image"]);
    expect(used, `${relative(ROOT, dir)}: image ${image.name} is used by no container`).toContain(image.name);
  }
  return docs;
}

const DOCKERFILE = readFileSync(join(ROOT, "Dockerfile"), "utf8");
const ENTRYPOINT = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(DOCKERFILE)![1]!) as string[];
const compose = readYaml(join(ROOT, "docker-compose.yml"))[0]!;
const manifests = kustomize(join(DEPLOY, "base"));
const ofKind = (kind: string) => manifests.filter((doc) => doc["kind"] === kind);
const find = (kind: string, name: string) => ofKind(kind).find((doc) => doc["metadata"]["name"] === name);

/** Every variable the code reads, from its zod schemas' keys: no hand-kept list to fall behind. */
function variablesTheCodeReads(): Set<string> {
  const schemaFiles = [join(ROOT, "libs/platform/src/config.ts"), ...KNOWN_SERVICES.flatMap((name) => {
    const src = join(ROOT, "services", name, "src");
    return readdirSync(src).filter((file) => file.endsWith("-config.ts")).map((file) => join(src, file));
  })];
  const names = schemaFiles.flatMap((file) => [...readFileSync(file, "utf8").matchAll(/^ {2}([A-Z][A-Z0-9_]+): (?:z\b|int\(|masterKey)/gm)].map((match) => match[1]!));
  const kit = ["TIMEOUT_MS", "MAX_ATTEMPTS", "CONCURRENCY", "RATE_PER_SECOND", "MAX_RESULT_BYTES", "MAX_RETRY_DELAY_MS"];
  const wrapped = KNOWN_SERVICES.filter((name) => name.endsWith("-proxy") || name === "keystore").map((name) => name.replace(/-proxy$/, ""));
  return new Set([...names, ...wrapped.flatMap((service) => kit.map((setting) => `${settingsPrefix(service)}${setting}`))]);
}
const READ = variablesTheCodeReads();
// Read by the OpenTelemetry SDK (libs/telemetry), not by our schemas.
const isOtel = (name: string) => name.startsWith("OTEL_");

const MASTER_KEY_SAMPLE = randomBytes(32).toString("base64");
const NEEDS_MASTER_KEY = ["gateway", "executor", "keystore", "gapi-proxy", "openai-proxy"];

/** Validates `env` as service `name` does at start: the platform's schema, then its own. Throws naming the variable. */
function validate(name: string, env: Env): void {
  const config = loadConfig(env);
  if (name === "gapi-proxy") loadGapiConfig(env);
  if (name === "openai-proxy") loadOpenAiConfig(env);
  if (name === "websearch-proxy") loadWebsearchConfig(env);
  if (name === "database-proxy") loadDatabaseConfig(config.DATABASE_URL, env);
  if (name.endsWith("-proxy") || name === "keystore") serviceSettings(name.replace(/-proxy$/, ""), {}, env);
}

/** The port `/health` answers on for this service's env: the gateway's PORT, the others' HEALTH_PORT. */
const healthPortOf = (name: string, env: Env) => Number(name === "gateway" ? env["PORT"] : env["HEALTH_PORT"]);

function checkEnv(name: string, env: Env): void {
  for (const variable of Object.keys(env)) expect(READ.has(variable) || isOtel(variable), `${name} sets ${variable}, which no service reads`).toBe(true);
  expect(() => validate(name, env)).not.toThrow();
  expect(healthPortOf(name, env), `${name}: the port of /health`).toBeGreaterThan(0);
  expect(env["OTEL_EXPORTER_OTLP_ENDPOINT"], `${name}: where traces go`).toMatch(/^http:\/\//);
  if (NEEDS_MASTER_KEY.includes(name)) expect(env["TASKER_MASTER_KEY"], `${name} unseals secrets`).toBeDefined();
  if (name === "gateway") expect(env).toMatchObject({ TASKER_AUTH: "on", TASKER_ADMIN_TOKEN: expect.any(String) });
  if (name === "executor") expect(env["TASKER_ENFORCE_USES"]).toBe("true");
}

describe("the Dockerfile", () => {
  it("builds with npm ci and tsc -b, runs production dependencies only, on Node 24, as a non-root user", () => {
    const stages = [...DOCKERFILE.matchAll(/^FROM (\S+)/gm)].map((match) => match[1]);
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages.every((image) => image === "node:24-bookworm-slim")).toBe(true);
    expect(DOCKERFILE).toMatch(/npm ci/);
    expect(DOCKERFILE).toMatch(/tsc -b/);
    expect(DOCKERFILE).toMatch(/--omit=dev/);
    const user = [...DOCKERFILE.matchAll(/^USER (\S+)/gm)].at(-1)?.[1];
    expect(user).toBeDefined();
    expect(["root", "0"]).not.toContain(user);
  });

  it("starts `tasker start SERVICE`: the entry point is the CLI's build output, the command a service it knows", () => {
    expect(ENTRYPOINT).toEqual(["node", "tools/cli/dist/main.js", "start"]);
    expect(existsSync(join(ROOT, "tools/cli/src/main.ts"))).toBe(true);
    expect(readFileSync(join(ROOT, "tools/cli/tsconfig.json"), "utf8")).toMatch(/"outDir": "dist"/);
    expect(KNOWN_SERVICES).toContain(JSON.parse(/^CMD (\[.*\])$/m.exec(DOCKERFILE)![1]!)[0]);
    expect(readFileSync(join(ROOT, ".dockerignore"), "utf8")).toMatch(/node_modules/);
  });
});

describe("docker-compose.yml", () => {
  const services = compose["services"] as Record<string, Doc>;
  const envOf = (service: Doc): Env =>
    Object.fromEntries(
      Object.entries((service["environment"] ?? {}) as Record<string, string>).map(([key, value]) => {
        // ${VAR:?message} must come from the operator: a valid sample stands for it; ${VAR:-default} is its default.
        const resolved = String(value)
          .replace(/\$\{([A-Z_]+):\?[^}]*\}/g, (_, variable: string) => (variable === "TASKER_MASTER_KEY" ? MASTER_KEY_SAMPLE : `sample-${variable.toLowerCase()}`))
          .replace(/\$\{[A-Z_]+:-([^}]*)\}/g, "$1");
        return [key, resolved];
      }),
    );

  it("runs NATS with JetStream and PostgreSQL on volumes, and Jaeger taking OTLP", () => {
    expect(services["nats"]!["command"]).toContain("-js");
    for (const name of ["nats", "postgres"]) expect(services[name]!["volumes"]?.length, `${name} keeps its data in a volume`).toBeGreaterThan(0);
    expect(services["jaeger"]!["image"]).toMatch(/^jaegertracing\/all-in-one:/);
    expect(services["jaeger"]!["environment"]["COLLECTOR_OTLP_ENABLED"]).toBe("true");
  });

  it.each(KNOWN_SERVICES)("runs %s from the Dockerfile's image and entry point, with a health check and the configuration it needs", (name) => {
    const service = services[name]!;
    expect(service, `${name} is missing`).toBeDefined();
    expect(service["build"]).toBe(".");
    expect(service["image"]).toBe("${TASKER_IMAGE:-tasker:latest}");
    expect(service["entrypoint"], "the Dockerfile's entry point is kept").toBeUndefined();
    expect(service["command"]).toEqual([name]);
    const env = envOf(service);
    checkEnv(name, env);
    expect(env["OTEL_EXPORTER_OTLP_ENDPOINT"]).toMatch(/^http:\/\/jaeger:/);
    expect(service["healthcheck"]["test"].join(" ")).toContain(`127.0.0.1:${healthPortOf(name, env)}/health`);
    if (name.endsWith("-proxy")) expect(service["deploy"]?.["replicas"], `${name} runs several replicas`).toBeGreaterThan(1);
  });
});

describe("deploy/ (kustomize)", () => {
  it("parses, and every resource a kustomization lists exists and every patch targets something", () => {
    for (const file of yamlFiles(DEPLOY)) readYaml(file);
    for (const overlay of readdirSync(DEPLOY).filter((name) => existsSync(join(DEPLOY, name, "kustomization.yaml")))) kustomize(join(DEPLOY, overlay));
    expect(existsSync(join(DEPLOY, "production", "kustomization.yaml"))).toBe(true);
  });

  it.each(KNOWN_SERVICES)("runs %s: Deployment, Service, PodDisruptionBudget, readiness on /health (the gateway: /health/ready) and liveness on /health/live, scraped on /metrics, resources, the image's entry point", (name) => {
    const deployment = find("Deployment", name)!;
    expect(deployment, `no Deployment ${name}`).toBeDefined();
    const labels = deployment["spec"]["template"]["metadata"]["labels"];
    expect(find("Service", name)?.["spec"]["selector"]).toEqual(deployment["spec"]["selector"]["matchLabels"]);
    expect(labels).toMatchObject(find("PodDisruptionBudget", name)!["spec"]["selector"]["matchLabels"]);
    const [container, ...others] = deployment["spec"]["template"]["spec"]["containers"] as Doc[];
    expect(others).toEqual([]);
    expect(container!["image"]).toBe("tasker");
    expect(container!["command"], "the Dockerfile's entry point is kept").toBeUndefined();
    expect(container!["args"]).toEqual([name]);
    for (const bound of ["requests", "limits"]) expect(Object.keys(container!["resources"][bound])).toEqual(["cpu", "memory"]);

    const configMaps = (container!["envFrom"] ?? []).map((source: Doc) => find("ConfigMap", source["configMapRef"]["name"])!["data"]);
    const secret = find("Secret", "tasker-secrets")!["stringData"];
    const env: Env = Object.assign({}, ...configMaps);
    for (const variable of container!["env"] ?? []) {
      const ref = variable["valueFrom"]?.["secretKeyRef"];
      if (ref) {
        expect(find("Secret", ref.name)?.["stringData"], `${name}: ${variable.name} from a Secret that does not exist`).toHaveProperty(ref.key);
        env[variable.name] = variable.name === "TASKER_MASTER_KEY" ? MASTER_KEY_SAMPLE : secret[ref.key];
      } else env[variable.name] = variable.value;
    }
    checkEnv(name, env);

    const port = healthPortOf(name, env);
    // Readiness checks the dependencies; liveness only that the process answers: a NATS or PostgreSQL
    // outage must take pods out of service, not restart every one of them. The gateway's readiness
    // leaves out the consumers' progress: a stalled executor must not take the whole API down.
    const readiness = name === "gateway" ? "/health/ready" : "/health";
    for (const [probe, path] of [["readinessProbe", readiness], ["livenessProbe", "/health/live"]] as const) {
      const check = container![probe]["httpGet"];
      expect(check["path"], `${name}: ${probe}`).toBe(path);
      const named = container!["ports"].find((candidate: Doc) => candidate["name"] === check["port"] || candidate["containerPort"] === check["port"]);
      expect(named?.["containerPort"], `${name}: ${probe} on the port /health answers`).toBe(port);
    }
    // /metrics is served where /health is.
    expect(deployment["spec"]["template"]["metadata"]["annotations"], `${name}: Prometheus scrape annotations`).toEqual({
      "prometheus.io/scrape": "true",
      "prometheus.io/port": String(port),
      "prometheus.io/path": "/metrics",
    });
    const autoscaled = name === "executor" || name.endsWith("-proxy");
    expect(find("HorizontalPodAutoscaler", name)?.["spec"]["scaleTargetRef"]).toEqual(autoscaled ? { apiVersion: "apps/v1", kind: "Deployment", name } : undefined);
  });

  it("declares the event stream as the code creates it", () => {
    const [stream] = ofKind("Stream");
    const prefix = find("ConfigMap", "tasker-config")!["data"]["TASKER_SUBJECT_PREFIX"];
    const source = readFileSync(join(ROOT, "libs/bus/src/event-stream.ts"), "utf8");
    expect(source).toMatch(/maxAgeMs: 7 \* 24 \* 3600 \* 1000/);
    expect(source).toMatch(/duplicateWindowMs: 2 \* 60 \* 1000/);
    expect(stream!["spec"]).toEqual({ name: `${prefix}_events`, subjects: [`${prefix}.>`], retention: "limits", storage: "file", discard: "old", maxAge: "168h", duplicateWindow: "2m" });
  });
});

describe("the README", () => {
  it("describes each deployment file", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Deployment"), readme.indexOf("## Tests and benchmarks"));
    for (const mention of ["Dockerfile", "docker-compose.yml", "deploy/base", "deploy/production", "HEALTH_PORT", "NACK"]) expect(section).toContain(mention);
    expect(readme).toMatch(/\| `HEALTH_PORT` \|/);
  });
});
