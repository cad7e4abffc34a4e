import { serviceMain } from "@tasker/platform";
import { gatewayService } from "./index.js";

await serviceMain([gatewayService], "gateway");
