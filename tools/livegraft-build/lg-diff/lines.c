// SPDX-License-Identifier: GPL-2.0
/*
 * lines.c - tell a function whose bytes differ only in line numbers.
 *
 * Kernel code passes __LINE__ as an argument (__ext4_journal_start(),
 * __might_sleep(), ...): a fix elsewhere in the file that adds or removes
 * lines changes those immediates and nothing else. A function whose only
 * differences are "mov $imm, %reg" (x86) or "movz wN, #imm" (arm64)
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

/* x86: "mov $imm32, %r32" is 0xb8+r imm32 (a REX prefix does not matter). */
static bool x86_lines(const unsigned char *p, const unsigned char *o, size_t size)
{
	struct delta d = { 0 };
	size_t k = 0, s;

	while (k < size) {
		if (p[k] == o[k]) {
			k++;
			continue;
		}
		for (s = k >= 4 ? k - 4 : 0; s < k + 1 && s < size; s++)
			if (p[s] == o[s] && (p[s] & 0xf8) == 0xb8 && s + 5 <= size &&
			    k < s + 5 && k > s)
				break;
		if (s == k + 1 || s >= size)
			return false;
		if (!same_delta(&d, get32(o + s + 1), get32(p + s + 1)))
			return false;
		k = s + 5;
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
