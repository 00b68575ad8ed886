/**
 * The webhook lifecycle for webhooks nobody registers: kie.ai has no webhook-registration API (the
 * URL travels with each task as callBackUrl), and n8n never registers restartWebhook entries. n8n's
 * community rules still require checkExists/create/delete, so both nodes share this no-op set.
 */
export const unregisteredWebhookMethods = {
	default: {
		async checkExists(): Promise<boolean> {
			return true;
		},
		async create(): Promise<boolean> {
			return true;
		},
		async delete(): Promise<boolean> {
			return true;
		},
	},
};
