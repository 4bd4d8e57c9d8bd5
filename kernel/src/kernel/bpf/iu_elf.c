// SPDX-License-Identifier: GPL-2.0
/*
 * Inner Unikernels: structural checks of the ELF part of a native image.
 *
 * Runs only on bytes whose signature has been verified; still every offset
 * and size is checked, so that a bug in the trusted toolchain cannot turn
 * into an out-of-bounds access in the kernel.
 */
#include <linux/kernel.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include "iu.h"

#define IU_PAGE	4096ULL

static bool iu_range_ok(u64 off, u64 size, u64 len)
{
	u64 end;

	return !check_add_overflow(off, size, &end) && end <= len;
}

const char *iu_elf_sec_name(const struct iu_elf *e, const Elf64_Shdr *sh)
{
	return e->shstr + sh->sh_name;
}

/*
 * Index of the segment holding [addr, addr + size), or -1. With @file the
 * range must also lie in the part of the segment backed by file bytes.
 */
int iu_elf_seg_of(const struct iu_elf *e, u64 addr, u64 size, bool file)
{
	unsigned int i;
	u64 end;

	if (check_add_overflow(addr, size, &end))
		return -1;
	for (i = 0; i < e->nseg; i++) {
		const struct iu_seg *s = &e->seg[i];
		u64 lim = s->vaddr + (file ? s->filesz : s->memsz);

		if (addr >= s->vaddr && end <= lim)
			return i;
	}
	return -1;
}

/*
 * A section the kernel reads both from the file (sh_offset) and from the
 * loaded image (sh_addr) must be the same bytes in both places.
 */
static bool iu_elf_sec_consistent(const struct iu_elf *e, const Elf64_Shdr *sh)
{
	int i = iu_elf_seg_of(e, sh->sh_addr, sh->sh_size, true);

	return i >= 0 &&
	       sh->sh_offset == e->seg[i].offset + (sh->sh_addr - e->seg[i].vaddr);
}

static int iu_elf_check_header(struct iu_elf *e, struct bpf_verifier_log *log)
{
	const Elf64_Ehdr *eh = e->ehdr;

	if (e->len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG)) {
		iu_log(log, "not an ELF file");
		return -ENOEXEC;
	}
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_ident[EI_VERSION] != EV_CURRENT ||
	    eh->e_version != EV_CURRENT) {
		iu_log(log, "ELF is not 64-bit little-endian version 1");
		return -ENOEXEC;
	}
	if (eh->e_machine != EM_X86_64 || eh->e_type != ET_DYN) {
		iu_log(log, "ELF is not an x86-64 ET_DYN object (machine %u type %u)",
		       eh->e_machine, eh->e_type);
		return -ENOEXEC;
	}
	if (eh->e_ehsize != sizeof(Elf64_Ehdr) ||
	    eh->e_phentsize != sizeof(Elf64_Phdr) ||
	    eh->e_shentsize != sizeof(Elf64_Shdr)) {
		iu_log(log, "ELF header/entry sizes are wrong");
		return -ENOEXEC;
	}
	if (eh->e_phoff % 8 || eh->e_shoff % 8 ||
	    !iu_range_ok(eh->e_phoff, (u64)eh->e_phnum * sizeof(Elf64_Phdr), e->len) ||
	    !iu_range_ok(eh->e_shoff, (u64)eh->e_shnum * sizeof(Elf64_Shdr), e->len) ||
	    !eh->e_phnum || !eh->e_shnum) {
		iu_log(log, "ELF program or section header table outside the file");
		return -ENOEXEC;
	}
	if (eh->e_shstrndx == SHN_UNDEF || eh->e_shstrndx >= eh->e_shnum) {
		iu_log(log, "ELF e_shstrndx %u invalid", eh->e_shstrndx);
		return -ENOEXEC;
	}
	return 0;
}

static int iu_elf_check_segments(struct iu_elf *e, struct bpf_verifier_log *log)
{
	const Elf64_Phdr *ph = (const void *)(e->data + e->ehdr->e_phoff);
	unsigned int i, nx = 0;
	u64 prev_end = 0;

	e->nseg = 0;
	for (i = 0; i < e->ehdr->e_phnum; i++) {
		struct iu_seg *s;
		u64 end;

		if (ph[i].p_type != PT_LOAD)
			continue;
		if (e->nseg == IU_MAX_SEGS) {
			iu_log(log, "more than %u PT_LOAD segments", IU_MAX_SEGS);
			return -EOVERFLOW;
		}
		s = &e->seg[e->nseg];
		s->vaddr = ph[i].p_vaddr;
		s->memsz = ph[i].p_memsz;
		s->offset = ph[i].p_offset;
		s->filesz = ph[i].p_filesz;
		s->flags = ph[i].p_flags;

		if (s->vaddr % IU_PAGE || s->offset % IU_PAGE) {
			iu_log(log, "segment %u not page aligned", e->nseg);
			return -EOVERFLOW;
		}
		if (!s->memsz || s->filesz > s->memsz ||
		    !iu_range_ok(s->offset, s->filesz, e->len)) {
			iu_log(log, "segment %u sizes or file range invalid", e->nseg);
			return -EOVERFLOW;
		}
		if (e->nseg == 0 && s->vaddr != 0) {
			iu_log(log, "first segment not at vaddr 0");
			return -EOVERFLOW;
		}
		if (e->nseg && s->vaddr < prev_end) {
			iu_log(log, "segment %u overlaps or is out of order", e->nseg);
			return -EOVERFLOW;
		}
		if (check_add_overflow(s->vaddr, s->memsz, &end) ||
		    end > IU_MAX_SPAN) {
			iu_log(log, "image span exceeds %u bytes", IU_MAX_SPAN);
			return -E2BIG;
		}
		prev_end = round_up(end, IU_PAGE);
		if ((s->flags & PF_W) && (s->flags & PF_X)) {
			iu_log(log, "segment %u is writable and executable", e->nseg);
			return -ETXTBSY;
		}
		if (s->flags & PF_X) {
			if (s->flags != (PF_R | PF_X)) {
				iu_log(log, "executable segment %u flags %#x not R+X",
				       e->nseg, s->flags);
				return -ETXTBSY;
			}
			nx++;
			e->xseg = e->nseg;
		}
		e->nseg++;
	}
	if (!e->nseg) {
		iu_log(log, "no PT_LOAD segment");
		return -EOVERFLOW;
	}
	if (nx != 1) {
		iu_log(log, "%u executable segments, need exactly one", nx);
		return -ETXTBSY;
	}
	e->span = prev_end;
	return 0;
}

static int iu_elf_check_sections(struct iu_elf *e, struct bpf_verifier_log *log)
{
	const Elf64_Shdr *strsh, *prov = NULL;
	unsigned int i;

	e->shdrs = (const void *)(e->data + e->ehdr->e_shoff);
	e->shnum = e->ehdr->e_shnum;
	strsh = &e->shdrs[e->ehdr->e_shstrndx];
	if (strsh->sh_type != SHT_STRTAB || !strsh->sh_size ||
	    !iu_range_ok(strsh->sh_offset, strsh->sh_size, e->len) ||
	    e->data[strsh->sh_offset + strsh->sh_size - 1]) {
		iu_log(log, "section name table invalid");
		return -ENOEXEC;
	}
	e->shstr = (const char *)e->data + strsh->sh_offset;
	e->shstr_len = strsh->sh_size;

	for (i = 0; i < e->shnum; i++) {
		const Elf64_Shdr *sh = &e->shdrs[i];
		const char *name;

		if (sh->sh_name >= e->shstr_len) {
			iu_log(log, "section %u name outside .shstrtab", i);
			return -ENOEXEC;
		}
		if (sh->sh_type != SHT_NOBITS && sh->sh_type != SHT_NULL &&
		    !iu_range_ok(sh->sh_offset, sh->sh_size, e->len)) {
			iu_log(log, "section %u contents outside the file", i);
			return -ENOEXEC;
		}
		name = iu_elf_sec_name(e, sh);
		if (!strcmp(name, ".iu.progs"))
			e->progs = sh;
		else if (!strcmp(name, ".iu.maps"))
			e->maps = sh;
		else if (!strcmp(name, ".rela.dyn"))
			e->rela[0] = sh;
		else if (!strcmp(name, ".rela.plt"))
			e->rela[1] = sh;
		else if (!strcmp(name, ".iu.prov"))
			prov = sh;
	}
	if (prov) {
		if (prov->sh_type != SHT_PROGBITS ||
		    prov->sh_size != sizeof(struct iu_prov) || prov->sh_offset % 4) {
			iu_log(log, ".iu.prov has a wrong type, size or alignment");
			return -ENOEXEC;
		}
		e->prov = (const void *)(e->data + prov->sh_offset);
	}

	if (!e->progs || e->progs->sh_type != SHT_PROGBITS ||
	    !e->progs->sh_size || e->progs->sh_size % sizeof(struct iu_prog_def) ||
	    !iu_elf_sec_consistent(e, e->progs) ||
	    e->progs->sh_addr % 8) {
		iu_log(log, ".iu.progs missing, empty, misaligned or not the same bytes in file and segment");
		return -ENOEXEC;
	}
	if (e->maps) {
		int s;

		if (e->maps->sh_type != SHT_PROGBITS ||
		    e->maps->sh_size % sizeof(struct iu_map_def) ||
		    e->maps->sh_addr % 8) {
			iu_log(log, ".iu.maps has a wrong type, size or alignment");
			return -ENOEXEC;
		}
		s = iu_elf_seg_of(e, e->maps->sh_addr, e->maps->sh_size, true);
		if (e->maps->sh_size &&
		    (!iu_elf_sec_consistent(e, e->maps) || !(e->seg[s].flags & PF_W))) {
			iu_log(log, ".iu.maps not the same bytes in file and a writable segment");
			return -ENOEXEC;
		}
	}
	for (i = 0; i < 2; i++) {
		const Elf64_Shdr *rs = e->rela[i];
		const Elf64_Shdr *sym, *str;

		if (!rs)
			continue;
		if (rs->sh_type != SHT_RELA || rs->sh_entsize != sizeof(Elf64_Rela) ||
		    rs->sh_size % sizeof(Elf64_Rela) || rs->sh_offset % 8 ||
		    rs->sh_link == 0 || rs->sh_link >= e->shnum) {
			iu_log(log, "relocation section %u malformed", i);
			return -ENOEXEC;
		}
		sym = &e->shdrs[rs->sh_link];
		if (sym->sh_type != SHT_DYNSYM || sym->sh_entsize != sizeof(Elf64_Sym) ||
		    sym->sh_size % sizeof(Elf64_Sym) || sym->sh_offset % 8 ||
		    sym->sh_link == 0 || sym->sh_link >= e->shnum) {
			iu_log(log, "dynamic symbol table malformed");
			return -ENOEXEC;
		}
		str = &e->shdrs[sym->sh_link];
		if (str->sh_type != SHT_STRTAB || !str->sh_size ||
		    e->data[str->sh_offset + str->sh_size - 1]) {
			iu_log(log, "dynamic string table malformed");
			return -ENOEXEC;
		}
	}
	return 0;
}

int iu_elf_parse(struct iu_elf *e, const u8 *data, size_t len,
		 struct bpf_verifier_log *log)
{
	int ret;

	memset(e, 0, sizeof(*e));
	e->data = data;
	e->len = len;
	e->ehdr = (const void *)data;

	ret = iu_elf_check_header(e, log);
	if (ret)
		return ret;
	ret = iu_elf_check_segments(e, log);
	if (ret)
		return ret;
	return iu_elf_check_sections(e, log);
}
