// SPDX-License-Identifier: GPL-2.0
/*
 * Inner Unikernels: signature check of a native image.
 *
 * Layout at the end of the image, as for module signatures:
 *   ELF bytes | PKCS#7 (DER) | struct module_signature | IU_SIG_MARKER
 * The signature is checked before any other byte of the image is parsed.
 */
#include <linux/kernel.h>
#include <linux/module_signature.h>
#include <linux/string.h>
#include <linux/verification.h>
#include "iu.h"

int iu_sig_verify(const u8 *img, size_t len, size_t *elf_len,
		  struct bpf_verifier_log *log)
{
	const size_t mlen = sizeof(IU_SIG_MARKER) - 1;
	struct module_signature ms;
	size_t sig_len;
	int ret;

	if (len < mlen + sizeof(ms) ||
	    memcmp(img + len - mlen, IU_SIG_MARKER, mlen)) {
		iu_log(log, "image is not signed (no signature marker)");
		return -ENODATA;
	}
	len -= mlen;
	memcpy(&ms, img + len - sizeof(ms), sizeof(ms));
	len -= sizeof(ms);

	if (ms.id_type != PKEY_ID_PKCS7 || ms.algo || ms.hash ||
	    ms.signer_len || ms.key_id_len || ms.__pad[0] || ms.__pad[1] ||
	    ms.__pad[2]) {
		iu_log(log, "malformed signature info (id_type %u)", ms.id_type);
		return -EBADMSG;
	}
	sig_len = be32_to_cpu(ms.sig_len);
	if (!sig_len || sig_len >= len) {
		iu_log(log, "signature length %zu does not fit the image", sig_len);
		return -EBADMSG;
	}
	len -= sig_len;

	ret = verify_pkcs7_signature(img, len, img + len, sig_len,
				     VERIFY_USE_SECONDARY_KEYRING,
				     VERIFYING_UNSPECIFIED_SIGNATURE,
				     NULL, NULL);
	switch (ret) {
	case 0:
		break;
	case -ENOKEY:
		iu_log(log, "signature key is not in the trusted keyrings");
		return -ENOKEY;
	case -EKEYREJECTED:
		iu_log(log, "signature does not match the image");
		return -EKEYREJECTED;
	case -EBADMSG:
		iu_log(log, "malformed PKCS#7 signature");
		return -EBADMSG;
	default:
		iu_log(log, "signature verification failed (%d)", ret);
		return ret == -ENOPKG ? -EKEYREJECTED : ret;
	}
	*elf_len = len;
	return 0;
}
