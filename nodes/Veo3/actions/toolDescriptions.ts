import type { INodeProperties } from 'n8n-workflow';

import { TOOL_MAX_WAIT_MINUTES, TOOL_RETRY_AFTER_SECONDS } from '../engine/agentTool';
import { MAX_SCENES } from '../inputs/scenes';

/** What every answer looks like, said once for all operations. */
const ANSWERS =
	`Returns JSON: status ("success" with videoUrl; "rendering" with taskId and retryAfterSeconds, meaning check again later with the Get Details tool, ` +
	`never by calling this tool again; "failed", "refused" or "error" with a message to relay to the user), taskId, message.`;

/**
 * What the model reads about each operation when the node is an AI agent's tool: what it does,
 * what it costs, which arguments matter and their allowed values, what comes back. Shown only on
 * the tool variant of the node ("@tool"), where the user may rewrite it.
 */
const TOOL_TEXT: Record<string, Record<string, string>> = {
	video: {
		generate:
			`Creates one new video with Google Veo 3.1 (via kie.ai) and returns its URL. It costs credits: call it once per video the user asked for; ` +
			`calling it again with the same arguments returns the same video, it does not make a new one. ` +
			`Arguments: prompt = what the video shows (a vivid scene description, up to 5000 characters); aspectRatio = "16:9" (landscape, YouTube), ` +
			`"9:16" (portrait: Reels, Shorts, TikTok) or "Auto"; model = "veo3_fast" (default), "veo3_lite" (cheapest) or "veo3" (best quality, most credits); ` +
			`imageUrls = public image URLs to animate, comma-separated, when the user gave images. It waits up to ${TOOL_MAX_WAIT_MINUTES} minutes for the render. ${ANSWERS}`,
		generateScenes:
			`Creates ONE continuous video from several scene prompts with Google Veo 3.1 (via kie.ai): scene 1 is about 8 seconds, each further scene adds about 7 seconds ` +
			`(3 scenes make a video of about 22-24 seconds). It costs credits for every scene (Fast: 60 per scene, Lite: 30, Quality: 250) and is refused, sending nothing, ` +
			`when the whole video would cost more than the credit cap. Call it once per video; calling it again with the same arguments continues or returns the same video. ` +
			`Arguments: scenes = the scene prompts in order, one per line (at most ${MAX_SCENES}); aspectRatio = "16:9", "9:16" or "Auto"; model = "veo3_fast" (default), "veo3_lite" or "veo3". ` +
			`It waits up to ${TOOL_MAX_WAIT_MINUTES} minutes per scene; a failed scene ends the video, and the answer says which scene failed (failedScene). videoUrl is the final, stitched video. ${ANSWERS}`,
		getDetails:
			`Checks a video by its taskId (from the video tool). Free: it never creates or charges anything. ` +
			`status "success" gives videoUrl; "rendering" means it is not finished: wait about ${TOOL_RETRY_AFTER_SECONDS} seconds (retryAfterSeconds) and ask again; ` +
			`"failed" gives the reason. Argument: taskId. ${ANSWERS}`,
		extend:
			`Continues a finished video (by its taskId) with a new prompt, returning a longer video. It costs credits: once per request. ` +
			`Arguments: taskId, prompt = what happens next. ${ANSWERS}`,
		get1080p: `Gets the 1080p version of a finished 16:9 video by its taskId. Argument: taskId. ${ANSWERS}`,
		get4k: `Upscales a finished video to 4K by its taskId. It costs credits: once per video. Argument: taskId. ${ANSWERS}`,
		download: `Gets the download link of a finished video by its taskId. Argument: taskId. ${ANSWERS}`,
	},
	account: {
		getCredits:
			'Returns how many kie.ai credits the account has left (status, credits, message). Free.',
	},
};

export const toolDescriptionProperties: INodeProperties[] = Object.entries(TOOL_TEXT).flatMap(
	([resource, operations]) =>
		Object.entries(operations).map(([operation, text]) => ({
			displayName: 'Tool Description',
			name: 'toolDescription',
			type: 'string' as const,
			default: text,
			required: true,
			typeOptions: { rows: 4 },
			description:
				'What the AI agent reads about this tool: what it does, its arguments and allowed values, what it returns',
			displayOptions: { show: { '@tool': [true], resource: [resource], operation: [operation] } },
		})),
);
