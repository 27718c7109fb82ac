/**
 * Who holds a native resource that exists once per upsdk object (the BLE scan, the HCE session)
 * while several components use it: the last one to let go is the one that stops it.
 */
export interface HoldCounter {
  hold(owner: object | undefined, who: symbol): void
  /** Lets go; true when nobody else holds it any more (the native side may stop). */
  release(owner: object | undefined, who: symbol): boolean
  count(owner: object | undefined): number
}

export function createHoldCounter(): HoldCounter {
  const holders = new WeakMap<object, Set<symbol>>()
  const NONE = {}
  const of = (owner: object | undefined) => {
    const key = owner ?? NONE
    let set = holders.get(key)
    if (!set) holders.set(key, (set = new Set()))
    return set
  }
  return {
    hold: (owner, who) => void of(owner).add(who),
    release(owner, who) {
      const set = of(owner)
      set.delete(who)
      return set.size === 0
    },
    count: (owner) => of(owner).size,
  }
}
