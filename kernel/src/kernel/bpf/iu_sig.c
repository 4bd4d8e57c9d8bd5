// SPDX-License-Identifier: GPL-2.0
/*
 * Inner Unikernels: signature check of a native image.
 *
 * attr->signature holds a detached PKCS#7 signature of the ELF bytes. It is
 * checked before any byte of the image is parsed, against the built-in and
 * secondary trusted keyrings, or against the keyring an administrator named
 * in kernel.iu_keyring when the load asks for it by keyring_id.
 */
#include <linux/kernel.h>
#include <linux/key.h>
#include <linux/verification.h>
#include "iu.h"

int iu_keyring;

static struct key *iu_sig_keyring(s32 keyring_id, struct bpf_verifier_log *log)
{
	s32 allowed = READ_ONCE(iu_keyring);
	key_ref_t ref;

	if (!keyring_id)
		return VERIFY_USE_SECONDARY_KEYRING;
	/* Any process can make a keyring: only the administrator's counts. */
	if (keyring_id != allowed) {
		iu_log(log, "keyring %d is not the one kernel.iu_keyring names (%d)",
		       keyring_id, allowed);
		return ERR_PTR(-EPERM);
	}
	ref = lookup_user_key(keyring_id, 0, KEY_NEED_SEARCH);
	if (IS_ERR(ref)) {
		iu_log(log, "keyring %d not found or not searchable", keyring_id);
		return ERR_CAST(ref);
	}
	return key_ref_to_ptr(ref);
}

int iu_sig_verify(const u8 *img, size_t len, const u8 *sig, size_t sig_len,
		  s32 keyring_id, struct bpf_verifier_log *log)
{
	struct key *keyring = iu_sig_keyring(keyring_id, log);
	int ret;

	if (IS_ERR(keyring))
		return PTR_ERR(keyring);
	ret = verify_pkcs7_signature(img, len, sig, sig_len, keyring,
				     VERIFYING_UNSPECIFIED_SIGNATURE,
				     NULL, NULL);
	if (keyring_id)
		key_put(keyring);
	switch (ret) {
	case 0:
		return 0;
	case -ENOKEY:
		iu_log(log, "signature key is not in the %s",
		       keyring_id ? "named keyring" : "trusted keyrings");
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
}
