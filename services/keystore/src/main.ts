import { closeOnSignals, loadConfig, startServices } from "@tasker/platform";
import { keystoreService } from "./index.js";

closeOnSignals(await startServices(loadConfig(), [keystoreService], "keystore"));
