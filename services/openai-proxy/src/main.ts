import { serviceMain } from "@tasker/platform";
import { openAiProxyService } from "./openai-proxy-service.js";

await serviceMain([openAiProxyService], "openai-proxy");
