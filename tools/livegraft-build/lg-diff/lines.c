// SPDX-License-Identifier: GPL-2.0
/*
 * lines.c - tell a function whose bytes differ only in line numbers.
 *
 * Kernel code passes __LINE__ as an argument (__ext4_journal_start(),
 * __might_sleep(), ...): a fix elsewhere in the file that adds or removes
 * lines changes those immediates and nothing else. A function whose only
 * differences are "mov $imm, %reg" or stack arguments (x86) or "movz wN,
 * #imm" (arm64)
 * immediates that all moved by the same non-zero amount, each a plausible
 * line number, did not change. A real constant change that happens to
 * look like this is refused as "no functional change", never dropped
 * silently, unless another function changed too.
 */
#include <string.h>
#include "lg-diff.h"

#define MAX_LINE 0x100000

static unsigned int get32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (unsigned int)p[3] << 24;
}

struct delta {
	long value;
	bool set;
};

static bool same_delta(struct delta *d, long a, long b)
{
	if (a >= MAX_LINE || b >= MAX_LINE || a == b)
		return false;
	if (!d->set) {
		d->value = b - a;
		d->set = true;
	}
	return b - a == d->value;
}

/*
 * x86: the length of the opcode bytes before an imm32 that carries a line
 * number, if an instruction of that kind starts at @p, and the size of
 * that immediate in @imm: "mov $imm32, %r32" (0xb8+r), "push $imm32" or
 * "push $imm8" (0x68, 0x6a: a 7th argument), "movl $imm32, d8(%rsp)" and
 * "movl $imm32, (%rsp)" (stack arguments).
 */
static size_t x86_imm_at(const unsigned char *p, size_t left, size_t *imm)
{
	*imm = 4;
	if (left >= 2 && p[0] == 0x6a) {	/* push $imm8 */
		*imm = 1;
		return 1;
	}
	if (left >= 5 && ((p[0] & 0xf8) == 0xb8 || p[0] == 0x68))
		return 1;
	if (left >= 8 && p[0] == 0xc7 && p[1] == 0x44 && p[2] == 0x24)
		return 4;
	if (left >= 7 && p[0] == 0xc7 && p[1] == 0x04 && p[2] == 0x24)
		return 3;
	return 0;
}

static bool x86_lines(const unsigned char *p, const unsigned char *o, size_t size)
{
	struct delta d = { 0 };
	size_t k = 0, s, n = 0, imm = 4;

	while (k < size) {
		if (p[k] == o[k]) {
			k++;
			continue;
		}
		/* The immediate that holds byte k, its opcode bytes unchanged. */
		for (s = k >= 7 ? k - 7 : 0; s < k; s++) {
			n = x86_imm_at(p + s, size - s, &imm);
			if (n && k >= s + n && k < s + n + imm &&
			    !memcmp(p + s, o + s, n))
				break;
		}
		if (s == k)
			return false;
		if (imm == 1 ? !same_delta(&d, o[s + 1], p[s + 1]) :
		    !same_delta(&d, get32(o + s + n), get32(p + s + n)))
			return false;
		k = s + n + imm;
	}
	return d.set;
}

/* arm64: "movz wN/xN, #imm16" with the same register and shift. */
static bool arm64_lines(const unsigned char *p, const unsigned char *o, size_t size)
{
	struct delta d = { 0 };
	size_t k;

	for (k = 0; k + 4 <= size; k += 4) {
		unsigned int a = get32(o + k), b = get32(p + k);

		if (a == b)
			continue;
		if ((a & 0x7fe0001f) != (b & 0x7fe0001f) ||
		    (a & 0x7f800000) != 0x52800000)
			return false;
		if (!same_delta(&d, (a >> 5) & 0xffff, (b >> 5) & 0xffff))
			return false;
	}
	return d.set;
}

bool lg_lines_only(struct lgsec *p, GElf_Addr po, struct lgsec *o, GElf_Addr oo,
		   GElf_Xword size)
{
	if (!p->buf || !o->buf)
		return false;
	if (lg_is_arm64(p->elf))
		return arm64_lines(p->buf + po, o->buf + oo, size);
	return x86_lines(p->buf + po, o->buf + oo, size);
}
