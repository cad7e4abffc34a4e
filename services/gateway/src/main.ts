import { closeOnSignals, loadConfig, startServices } from "@tasker/platform";
import { gatewayService } from "./index.js";

const handle = await startServices(loadConfig(), [gatewayService], "gateway");
closeOnSignals(handle);
