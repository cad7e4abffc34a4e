// gapi-proxy against the fake Google (answering at once), every service its own process, one
// gapi-proxy instance: the proxy's overhead per call, and calls per second through that instance.
import { DEFAULT_LAYOUT, startFakeGoogle, startGapiSystem } from "@tasker/testing";
import { benchServiceCalls, timings } from "./_service-calls.js";

/** Prints G1 (sequential calls: overhead per call) and G2 (1000 calls at once, from 10 runs and from 100: calls/s) for gapi-proxy. */
export async function benchGapiProxy(): Promise<void> {
  const google = await startFakeGoogle();
  const tasker = await startGapiSystem(google, {}, { ...DEFAULT_LAYOUT, "gapi-proxy": "gapi-proxy" });
  try {
    // The fake's own time: an HTTP round trip to it (refused for want of a token, answered at once).
    const rtt = await timings(200, async () => (await fetch(`${google.rootUrl}admin/directory/v1/users/x`)).text());
    await benchServiceCalls(tasker, {
      process: "gapi-proxy",
      service: "gapi",
      letter: "G",
      call: "tools.gapi.admin.directory.users.get({ userKey: input.userKey })",
      input: { userKey: "grace@alpha.example" },
      baseline: { name: "fake_google_rtt", samples: rtt },
    });
  } finally {
    await tasker.stop();
    await google.close();
  }
}
