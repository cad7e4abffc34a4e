// `npm run bench -- services`: the wrapped services' own figures, every service its own process.
// One line per service's part (each prints its JSON lines); add yours below.
import { benchGapiProxy } from "./_services-gapi-proxy.js";

await benchGapiProxy();
