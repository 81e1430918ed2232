#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A JSON parser for the guest, which has busybox's awk and no jq: enough
# to prove that a document is well formed and to read its values.

# json_flat() - parse the JSON document on stdin; print one line per
# value, "path<TAB>value" (.code, .patches[0].name; strings keep their
# quotes, empty containers show as {} and []). A document that is not
# well formed, or has anything after its value, prints why and fails.
json_flat() {
	awk '
	function bad(m) {
		printf "json: %s at offset %d\n", m, pos > "/dev/stderr"
		failed = 1
		exit 1
	}
	function ws() {
		while (pos <= n && index(" \t\n\r", substr(s, pos, 1)))
			pos++
	}
	function str(   start, c) {
		start = pos++
		while (pos <= n) {
			c = substr(s, pos, 1)
			if (c == "\\") {
				if (!index("\"\\/bfnrtu", substr(s, pos + 1, 1)))
					bad("bad escape")
				pos += 2
				continue
			}
			if (c == "\"")
				return substr(s, start, ++pos - start)
			if (c < " ")
				bad("control character in a string")
			pos++
		}
		bad("unterminated string")
	}
	function value(path,   c, k, i) {
		ws()
		c = substr(s, pos, 1)
		if (c == "{") {
			pos++
			ws()
			if (substr(s, pos, 1) == "}") {
				pos++
				print path "\t{}"
				return
			}
			for (;;) {
				ws()
				if (substr(s, pos, 1) != "\"")
					bad("a key expected")
				k = str()
				ws()
				if (substr(s, pos++, 1) != ":")
					bad("\":\" expected")
				value(path "." substr(k, 2, length(k) - 2))
				ws()
				c = substr(s, pos++, 1)
				if (c == "}")
					return
				if (c != ",")
					bad("\",\" or \"}\" expected")
			}
		}
		if (c == "[") {
			pos++
			ws()
			if (substr(s, pos, 1) == "]") {
				pos++
				print path "\t[]"
				return
			}
			for (i = 0; ; i++) {
				value(path "[" i "]")
				ws()
				c = substr(s, pos++, 1)
				if (c == "]")
					return
				if (c != ",")
					bad("\",\" or \"]\" expected")
			}
		}
		if (c == "\"") {
			print path "\t" str()
			return
		}
		if (substr(s, pos, 4) == "true" || substr(s, pos, 4) == "null") {
			print path "\t" substr(s, pos, 4)
			pos += 4
			return
		}
		if (substr(s, pos, 5) == "false") {
			print path "\tfalse"
			pos += 5
			return
		}
		if (match(substr(s, pos), /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/)) {
			print path "\t" substr(s, pos, RLENGTH)
			pos += RLENGTH
			return
		}
		bad("unexpected \"" c "\"")
	}
	{ s = s $0 "\n" }
	END {
		if (failed)
			exit 1
		n = length(s)
		pos = 1
		ws()
		if (pos > n)
			bad("no document")
		value("")
		ws()
		if (pos <= n)
			bad("text after the document")
	}'
}

# json_get(flat file, path) - the value at path, as json_flat printed it
json_get() {
	awk -F '\t' -v p="$2" '$1 == p { print $2; found = 1 } END { exit !found }' "$1"
}
