// SPDX-License-Identifier: GPL-2.0
/*
 * state.c - system states: changes a patch makes to the system (a
 * feature turned on, data converted) that its successors must know
 * about, identified by an id and versioned. A patch that would leave a
 * state behind or go back to an older version of it is refused, as by
 * the kernel's livepatch.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <livegraft.h>

#include "core.h"
#include "state.h"

/**
 * lg_get_state() - see include/livegraft.h
 */
struct lg_state *lg_get_state(struct lg_patch *patch, unsigned long id)
{
	struct lg_state *state;

	for (state = patch->states; state && state->id; state++)
		if (state->id == id)
			return state;
	return NULL;
}
EXPORT_SYMBOL_GPL(lg_get_state);

/**
 * lg_get_prev_state() - see include/livegraft.h
 */
struct lg_state *lg_get_prev_state(unsigned long id)
{
	struct lg_live_patch *patch;
	struct lg_state *state, *last = NULL;

	if (WARN_ON_ONCE(!lg_transition_patch))
		return NULL;
	list_for_each_entry(patch, &lg_patches, node) {
		if (patch == lg_transition_patch)
			break;
		state = lg_get_state(patch->desc, id);
		if (state)
			last = state;
	}
	return last;
}
EXPORT_SYMBOL_GPL(lg_get_prev_state);

/**
 * lg_states_compatible() - may @desc join the installed patches?
 * @desc: the new patch
 *
 * Each state of an installed patch must be in @desc, at the same or a
 * higher version; only a patch that does not replace the others may
 * leave a state out.
 *
 * Return: 0, or -EINVAL after saying which state and patch.
 * Must hold lg_mutex.
 */
int lg_states_compatible(struct lg_patch *desc)
{
	struct lg_live_patch *patch;
	struct lg_state *old, *state;

	lockdep_assert_held(&lg_mutex);
	list_for_each_entry(patch, &lg_patches, node) {
		for (old = patch->desc->states; old && old->id; old++) {
			state = lg_get_state(desc, old->id);
			if (!state && desc->replace) {
				pr_err("'%s': refused: it replaces patch '%s' but not its system state %lu\n",
				       desc->mod->name, patch->name, old->id);
				return -EINVAL;
			}
			if (state && state->version < old->version) {
				pr_err("'%s': refused: system state %lu at version %u, lower than version %u of patch '%s'\n",
				       desc->mod->name, old->id, state->version,
				       old->version, patch->name);
				return -EINVAL;
			}
		}
	}
	return 0;
}
