// SPDX-License-Identifier: GPL-2.0
/*
 * livegraft-sample-shadow.c - a fix that needs data the old code has no
 * room for: each session of livegraft-target (an open of its /proc file)
 * gets a number, kept in a shadow variable attached to the session, and
 * the counter lives in a system state, so that a cumulative successor
 * (livegraft-sample-cumulative.c) takes both over.
 *
 *   insmod livegraft-target.ko
 *   insmod livegraft-sample-shadow.ko
 *   cat /proc/livegraft_target      -> the answer is 41 (session 1)
 *   cat /proc/livegraft_target      -> the answer is 41 (session 2)
 *   insmod livegraft-sample-cumulative.ko
 *   cat /proc/livegraft_target      -> the answer is 42 (session 3)
 *   rmmod livegraft_sample_shadow   # replaced: no write to enabled
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/seq_file.h>
#include <linux/slab.h>
#include <livegraft.h>

/* Shared with every later patch that knows the numbering. */
#define SAMPLE_SESSIONS_STATE	1
#define SAMPLE_SESSION_NUMBER	1

struct livegraft_target_session;

static int (*livegraft_target_answer)(void);

static struct lg_patch patch;

#ifdef LIVEGRAFT_SAMPLE_CUMULATIVE
/* The fix of livegraft-sample-mod.c, carried along. */
static int new_answer(void)
{
	return 42;
}
#endif

/* Under a spinlock: numbers the session the first time it is shown. */
static int number_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	*(int *)shadow_data = atomic_inc_return(ctor_data);
	return 0;
}

/*
 * get_or_alloc: sessions opened before the patch have no number yet;
 * they get one when they are first shown.
 */
static int new_show(struct seq_file *m, void *v)
{
	struct lg_state *state = lg_get_state(&patch, SAMPLE_SESSIONS_STATE);
	int *number;

	number = lg_shadow_get_or_alloc(m->private, SAMPLE_SESSION_NUMBER,
					sizeof(*number), GFP_KERNEL,
					number_ctor, state->data);
	seq_printf(m, "the answer is %d", livegraft_target_answer());
	if (number)
		seq_printf(m, " (session %d)", *number);
	seq_putc(m, '\n');
	return 0;
}

/* The session goes: so does what the patch attached to it. */
static void new_session_free(struct livegraft_target_session *s)
{
	lg_shadow_free(s, SAMPLE_SESSION_NUMBER, NULL);
	kfree(s);
}

/*
 * The session counter: made here, or taken over from the patch this one
 * replaces, whose callbacks no longer run.
 */
static int sessions_setup(struct lg_object *obj)
{
	struct lg_state *state = lg_get_state(&patch, SAMPLE_SESSIONS_STATE);
	struct lg_state *prev = lg_get_prev_state(SAMPLE_SESSIONS_STATE);

	if (prev) {
		state->data = prev->data;
		pr_info("taking over the session numbers\n");
		return 0;
	}
	state->data = kzalloc(sizeof(atomic_t), GFP_KERNEL);
	return state->data ? 0 : -ENOMEM;
}

/*
 * The last patch that numbers sessions goes: nothing is left to number.
 * But a cumulative patch reversed before it replaced the one below leaves
 * it all to that one.
 */
static void sessions_teardown(struct lg_object *obj)
{
	struct lg_state *state = lg_get_state(&patch, SAMPLE_SESSIONS_STATE);

	if (lg_get_prev_state(SAMPLE_SESSIONS_STATE))
		return;
	lg_shadow_free_all(SAMPLE_SESSION_NUMBER, NULL);
	kfree(state->data);
	state->data = NULL;
}

/* The old answer, called through ftrace: whichever fix is in place. */
static int find_answer(struct lg_object *obj)
{
	unsigned long addr;
	int ret;

	ret = lg_lookup_symbol(obj->name, "livegraft_target_answer", 0, &addr);
	if (ret)
		return ret;
	livegraft_target_answer = (void *)addr;
	return 0;
}

static struct lg_func no_funcs[] = { { } };

static struct lg_func target_funcs[] = {
#ifdef LIVEGRAFT_SAMPLE_CUMULATIVE
	{ .old_name = "livegraft_target_answer", .new_func = new_answer },
#endif
	{ .old_name = "livegraft_target_show", .new_func = new_show },
	{ .old_name = "livegraft_target_session_free", .new_func = new_session_free },
	{ }
};

static struct lg_object objs[] = {
	{
		/* Callbacks only: they run once per transition. */
		.funcs = no_funcs,
		.callbacks = {
			.pre_patch = sessions_setup,
			.post_unpatch = sessions_teardown,
		},
	}, {
		.name = "livegraft_target",
		.funcs = target_funcs,
		.callbacks.pre_patch = find_answer,
	}, { }
};

static struct lg_state states[] = {
	{ .id = SAMPLE_SESSIONS_STATE, .version = 1 },
	{ }
};

static struct lg_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.states = states,
#ifdef LIVEGRAFT_SAMPLE_CUMULATIVE
	.replace = true,
#endif
};

static int __init livegraft_sample_shadow_init(void)
{
	return lg_enable_patch(&patch);
}

static void __exit livegraft_sample_shadow_exit(void)
{
}

module_init(livegraft_sample_shadow_init);
module_exit(livegraft_sample_shadow_exit);
#ifdef LIVEGRAFT_SAMPLE_CUMULATIVE
MODULE_DESCRIPTION("livegraft sample: a cumulative patch");
#else
MODULE_DESCRIPTION("livegraft sample: shadow variables and a system state");
#endif
MODULE_LICENSE("GPL");
