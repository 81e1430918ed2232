// SPDX-License-Identifier: GPL-2.0
/*
 * shadow.c - shadow variables: data a patch attaches to an existing
 * object (a struct the old code allocated, whose layout it cannot
 * change), found again by the object's address and an id.
 *
 * The semantics are those of the kernel's klp_shadow_*(): lookups are
 * lock-free under RCU; additions and removals take one spinlock with
 * interrupts off, and constructors and destructors run under it. The
 * variables belong to livegraft, not to the patch that made them: a
 * cumulative patch that replaces it finds them and takes them over.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hashtable.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <livegraft.h>

#include "fault.h"
#include "shadow.h"

struct lg_shadow {
	struct hlist_node node;
	struct rcu_head rcu;
	void *obj;
	unsigned long id;
	char data[];
};

static DEFINE_HASHTABLE(shadow_hash, 12);
static DEFINE_SPINLOCK(shadow_lock);

static struct lg_shadow *shadow_find(void *obj, unsigned long id)
{
	struct lg_shadow *shadow;

	hash_for_each_possible_rcu(shadow_hash, shadow, node, (unsigned long)obj,
				   lockdep_is_held(&shadow_lock))
		if (shadow->obj == obj && shadow->id == id)
			return shadow;
	return NULL;
}

/**
 * lg_shadow_get() - see include/livegraft.h
 */
void *lg_shadow_get(void *obj, unsigned long id)
{
	struct lg_shadow *shadow;

	rcu_read_lock();
	shadow = shadow_find(obj, id);
	rcu_read_unlock();
	/* Its owner, not RCU, keeps it alive from here: as the kernel's. */
	return shadow ? shadow->data : NULL;
}
EXPORT_SYMBOL_GPL(lg_shadow_get);

static void *get_or_alloc(void *obj, unsigned long id, size_t size,
			  gfp_t gfp, lg_shadow_ctor_t ctor, void *ctor_data,
			  bool unique)
{
	struct lg_shadow *shadow, *new;
	unsigned long flags;
	int ret;

	rcu_read_lock();
	shadow = shadow_find(obj, id);
	rcu_read_unlock();
	if (shadow)
		goto exists;

	/* Outside the lock, so that @gfp may sleep. */
	new = lg_kzalloc(struct_size(new, data, size), gfp, LG_KIND_SHADOW);
	if (!new)
		return NULL;
	new->obj = obj;
	new->id = id;

	spin_lock_irqsave(&shadow_lock, flags);
	shadow = shadow_find(obj, id);
	if (unlikely(shadow)) {
		spin_unlock_irqrestore(&shadow_lock, flags);
		lg_kfree(new, LG_KIND_SHADOW);
		goto exists;
	}
	if (ctor) {
		ret = ctor(obj, new->data, ctor_data);
		if (ret) {
			spin_unlock_irqrestore(&shadow_lock, flags);
			lg_kfree(new, LG_KIND_SHADOW);
			pr_err("failed to construct shadow variable <%p, %lx> (%d)\n",
			       obj, id, ret);
			return NULL;
		}
	}
	hash_add_rcu(shadow_hash, &new->node, (unsigned long)obj);
	spin_unlock_irqrestore(&shadow_lock, flags);
	return new->data;

exists:
	if (unique) {
		WARN(1, "livegraft: duplicate shadow variable <%p, %lx>\n",
		     obj, id);
		return NULL;
	}
	return shadow->data;
}

/**
 * lg_shadow_alloc() - see include/livegraft.h
 */
void *lg_shadow_alloc(void *obj, unsigned long id, size_t size, gfp_t gfp,
		      lg_shadow_ctor_t ctor, void *ctor_data)
{
	return get_or_alloc(obj, id, size, gfp, ctor, ctor_data, true);
}
EXPORT_SYMBOL_GPL(lg_shadow_alloc);

/**
 * lg_shadow_get_or_alloc() - see include/livegraft.h
 */
void *lg_shadow_get_or_alloc(void *obj, unsigned long id, size_t size,
			     gfp_t gfp, lg_shadow_ctor_t ctor, void *ctor_data)
{
	return get_or_alloc(obj, id, size, gfp, ctor, ctor_data, false);
}
EXPORT_SYMBOL_GPL(lg_shadow_get_or_alloc);

/* Under shadow_lock. */
static void shadow_free(struct lg_shadow *shadow, lg_shadow_dtor_t dtor)
{
	hash_del_rcu(&shadow->node);
	if (dtor)
		dtor(shadow->obj, shadow->data);
	lg_live_dec(LG_KIND_SHADOW);
	kfree_rcu(shadow, rcu);
}

/**
 * lg_shadow_free() - see include/livegraft.h
 */
void lg_shadow_free(void *obj, unsigned long id, lg_shadow_dtor_t dtor)
{
	struct lg_shadow *shadow;
	unsigned long flags;

	spin_lock_irqsave(&shadow_lock, flags);
	shadow = shadow_find(obj, id);
	if (shadow)
		shadow_free(shadow, dtor);
	spin_unlock_irqrestore(&shadow_lock, flags);
}
EXPORT_SYMBOL_GPL(lg_shadow_free);

/**
 * lg_shadow_free_all() - see include/livegraft.h
 */
void lg_shadow_free_all(unsigned long id, lg_shadow_dtor_t dtor)
{
	struct lg_shadow *shadow;
	struct hlist_node *tmp;
	unsigned long flags;
	int bkt;

	spin_lock_irqsave(&shadow_lock, flags);
	hash_for_each_safe(shadow_hash, bkt, tmp, shadow, node)
		if (shadow->id == id)
			shadow_free(shadow, dtor);
	spin_unlock_irqrestore(&shadow_lock, flags);
}
EXPORT_SYMBOL_GPL(lg_shadow_free_all);

/*
 * livegraft goes: every patch is gone, and with it every destructor.
 * What the patches left behind is freed as bare memory.
 */
void lg_shadow_exit(void)
{
	struct lg_shadow *shadow;
	struct hlist_node *tmp;
	unsigned int left = 0;
	int bkt;

	spin_lock_irq(&shadow_lock);
	hash_for_each_safe(shadow_hash, bkt, tmp, shadow, node) {
		shadow_free(shadow, NULL);
		left++;
	}
	spin_unlock_irq(&shadow_lock);
	if (left)
		pr_notice("%u shadow variables left by patches freed\n", left);
	/* kfree_rcu() needs nothing of ours, but the memory must go. */
	rcu_barrier();
}
