import { accessplanit } from './accessplanit/index.js';
import { appenate } from './appenate/index.js';
import { scim } from './scim/index.js';
import { springest } from './springest.js';
import { unified } from './unified/index.js';

/** THE list of emulated platforms: the sandbox serves each, keeps its state, and offers its flags. */
export const PLATFORMS = [accessplanit, appenate, springest, unified, scim] as const;

type Platforms = (typeof PLATFORMS)[number];
type StateOf<P> = P extends { createState(...args: never[]): infer S } ? S : never;
type CredentialsOf<P> = P extends { credentials(...args: never[]): infer C } ? C : never;
type SettingsOf<P> = P extends { defaultSettings: infer X } ? X : never;

export type PlatformName = Platforms['name'];
/** Every platform's state slice, by name: `sandbox.state().accessplanit.User`. */
export type SandboxState = { [P in Platforms as P['name']]: StateOf<P> };
export type SandboxCredentials = { [P in Platforms as P['name']]: CredentialsOf<P> };
export type SandboxSettings = { [P in Platforms as P['name']]: SettingsOf<P> };
