import { serviceMain } from "@tasker/platform";
import { stackProcessorService } from "./index.js";

await serviceMain([stackProcessorService], "stack-processor");
