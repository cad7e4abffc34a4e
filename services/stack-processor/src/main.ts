import { closeOnSignals, loadConfig, startServices } from "@tasker/platform";
import { stackProcessorService } from "./index.js";

closeOnSignals(await startServices(loadConfig(), [stackProcessorService], "stack-processor"));
