import { randomBytes } from 'node:crypto';
import type { CachedProfile, ProfileStore } from '../../core/TokenAllowlist';

/** The profile cache in this process (zero-config development), with the same generation rule as Redis's. */
export class MemoryProfileStore implements ProfileStore {
  private readonly profiles = new Map<string, { profile: string; expiresAt: number }>();
  private readonly generations = new Map<string, string>();

  constructor(private readonly now: () => number = Date.now) {}

  async read(userId: string): Promise<CachedProfile> {
    const entry = this.profiles.get(userId);
    const live = entry && entry.expiresAt > this.now() ? entry.profile : null;
    if (entry && !live) this.profiles.delete(userId);
    return { profile: live, generation: this.generations.get(userId) ?? null };
  }

  async fill(userId: string, generation: string | null, profile: string, ttlSeconds: number): Promise<void> {
    if ((this.generations.get(userId) ?? null) !== generation) return;
    this.profiles.set(userId, { profile, expiresAt: this.now() + ttlSeconds * 1000 });
  }

  async forget(userId: string): Promise<void> {
    this.generations.set(userId, randomBytes(12).toString('base64url'));
    this.profiles.delete(userId);
  }
}
