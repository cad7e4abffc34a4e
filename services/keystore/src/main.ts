import { serviceMain } from "@tasker/platform";
import { keystoreService } from "./index.js";

await serviceMain([keystoreService], "keystore");
