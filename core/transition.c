// SPDX-License-Identifier: GPL-2.0
/*
 * transition.c - moving the system from one universe to the other.
 *
 * A transition takes one patch to a target state: patched or unpatched.
 * lg_init_transition() marks its functions as in transition, so that the
 * handler asks each task's universe; lg_start_transition() sets the tasks
 * moving; lg_try_complete_transition() finishes once all have arrived,
 * then lg_complete_transition() clears the marks and runs the post
 * callbacks. lg_cancel_transition() undoes a patching that failed before
 * it started.
 *
 * All tasks move at once, when the transition starts.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ktime.h>

#include "core.h"
#include "redirect.h"
#include "transition.h"

struct lg_live_patch *lg_transition_patch;
int lg_target_state = LG_UNDEFINED;
int lg_universe = LG_UNDEFINED;

static const char *state_name(int state)
{
	return state == LG_PATCHED ? "patching" : "unpatching";
}

static void set_transition(struct lg_live_patch *patch, bool transition)
{
	struct lg_live_object *obj;
	struct lg_live_func *func;

	lg_for_each_object(patch, obj)
		lg_for_each_func(obj, func)
			WRITE_ONCE(func->transition, transition);
}

/**
 * lg_init_transition() - prepare a patch's transition to @state
 * @patch:	the patch
 * @state:	LG_PATCHED or LG_UNPATCHED
 *
 * Every task starts in the universe opposite @state. Must hold lg_mutex.
 */
void lg_init_transition(struct lg_live_patch *patch, int state)
{
	lockdep_assert_held(&lg_mutex);
	WARN_ON_ONCE(lg_target_state != LG_UNDEFINED);

	pr_debug("'%s': initializing %s transition\n", patch->name,
		 state_name(state));
	lg_transition_patch = patch;
	lg_target_state = state;
	WRITE_ONCE(lg_universe, !state);

	/*
	 * Make the universe visible before func->transition: a handler that
	 * sees the mark must see the universe. Pairs with the second
	 * smp_rmb() in lg_ftrace_handler().
	 */
	smp_wmb();
	set_transition(patch, true);
}

/**
 * lg_start_transition() - set the tasks moving. Must hold lg_mutex.
 */
void lg_start_transition(void)
{
	struct lg_live_patch *patch = lg_transition_patch;

	lockdep_assert_held(&lg_mutex);
	pr_notice("'%s': starting %s transition\n", patch->name,
		  state_name(lg_target_state));
	patch->stats.transitions++;
	patch->stats.start_ns = ktime_get_real_ns();
	patch->stats.duration_ns = 0;

	WRITE_ONCE(lg_universe, lg_target_state);
}

static void lg_complete_transition(void)
{
	struct lg_live_patch *patch = lg_transition_patch;
	struct lg_live_object *obj;

	pr_debug("'%s': completing %s transition\n", patch->name,
		 state_name(lg_target_state));

	if (lg_target_state == LG_UNPATCHED) {
		lg_unpatch_objects(patch);
		/* No handler may still see the funcs just taken off. */
		lg_synchronize();
	}

	set_transition(patch, false);

	/*
	 * Every task is in the target universe, so clearing the marks
	 * changes no handler's choice; still, wait for handlers that read
	 * the old universe before lg_universe is reset.
	 */
	if (lg_target_state == LG_PATCHED)
		lg_synchronize();
	WRITE_ONCE(lg_universe, LG_UNDEFINED);

	lg_for_each_object(patch, obj) {
		if (!obj->loaded)
			continue;
		if (lg_target_state == LG_PATCHED)
			lg_post_patch_callback(obj);
		else
			lg_post_unpatch_callback(obj);
	}

	if (patch->stats.start_ns)
		patch->stats.duration_ns = ktime_get_real_ns() -
					   patch->stats.start_ns;
	pr_notice("'%s': %s complete\n", patch->name,
		  state_name(lg_target_state));
	lg_target_state = LG_UNDEFINED;
	lg_transition_patch = NULL;
}

/**
 * lg_try_complete_transition() - complete the transition if every task has
 * moved; a patch that ends up disabled is then freed.
 *
 * Return: whether it completed. Must hold lg_mutex.
 */
bool lg_try_complete_transition(void)
{
	struct lg_live_patch *patch = lg_transition_patch;

	lockdep_assert_held(&lg_mutex);
	if (READ_ONCE(lg_universe) != lg_target_state)
		return false;

	lg_complete_transition();
	if (!patch->enabled)
		lg_free_patch_async(patch);
	return true;
}

/**
 * lg_cancel_transition() - undo a patching transition that never started
 *
 * For errors in lg_enable_patch(): the objects patched so far are
 * unpatched and owed post_unpatch callbacks run. The caller frees the
 * patch. Must hold lg_mutex.
 */
void lg_cancel_transition(void)
{
	lockdep_assert_held(&lg_mutex);
	if (WARN_ON_ONCE(lg_target_state != LG_PATCHED))
		return;

	pr_debug("'%s': canceling patching transition, going to unpatch\n",
		 lg_transition_patch->name);
	lg_target_state = LG_UNPATCHED;
	WRITE_ONCE(lg_universe, LG_UNPATCHED);
	lg_complete_transition();
}
