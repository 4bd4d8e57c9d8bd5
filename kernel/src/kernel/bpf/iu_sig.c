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
#include <linux/key-type.h>
#include <linux/mutex.h>
#include <linux/sysctl.h>
#include <linux/verification.h>
#include <crypto/pkcs7.h>
#include "iu.h"

/*
 * The keyring kernel.iu_keyring names, held: while it is named it cannot be
 * freed, so its serial cannot come back as a keyring somebody else made.
 */
static DEFINE_MUTEX(iu_keyring_lock);
static struct key *iu_keyring;

int iu_keyring_sysctl(const struct ctl_table *table, int write, void *buffer,
		      size_t *lenp, loff_t *ppos)
{
	struct key *key = NULL, *old;
	int serial = 0, ret;
	struct ctl_table t = {
		.data = &serial,
		.maxlen = sizeof(serial),
		.extra1 = SYSCTL_ZERO,
		.extra2 = SYSCTL_INT_MAX,
	};
	key_ref_t ref;

	mutex_lock(&iu_keyring_lock);
	if (iu_keyring)
		serial = iu_keyring->serial;
	ret = proc_dointvec_minmax(&t, write, buffer, lenp, ppos);
	if (ret || !write)
		goto out;
	if (serial) {
		ref = lookup_user_key(serial, 0, KEY_NEED_SEARCH);
		if (IS_ERR(ref)) {
			ret = PTR_ERR(ref);
			goto out;
		}
		key = key_ref_to_ptr(ref);
		if (key->type != &key_type_keyring) {
			key_put(key);
			ret = -ENOTDIR;
			goto out;
		}
	}
	old = iu_keyring;
	iu_keyring = key;
	key_put(old);
out:
	mutex_unlock(&iu_keyring_lock);
	return ret;
}

static struct key *iu_sig_keyring(s32 keyring_id, struct bpf_verifier_log *log)
{
	struct key *key = NULL;

	if (!keyring_id)
		return VERIFY_USE_SECONDARY_KEYRING;
	mutex_lock(&iu_keyring_lock);
	if (iu_keyring && iu_keyring->serial == keyring_id)
		key = key_get(iu_keyring);
	mutex_unlock(&iu_keyring_lock);
	/* Any process can make a keyring: only the administrator's counts. */
	if (!key) {
		iu_log(log, "keyring %d is not the one kernel.iu_keyring names", keyring_id);
		return ERR_PTR(-EPERM);
	}
	return key;
}

/*
 * On success @digest holds the digest the signature covers (the ELF bytes',
 * as the toolchain signs without attributes): the program's tag comes from
 * it, so the image is hashed once per load.
 */
int iu_sig_verify(const u8 *img, size_t len, const u8 *sig, size_t sig_len,
		  s32 keyring_id, u8 digest[HASH_MAX_DIGESTSIZE], u32 *digest_len,
		  struct bpf_verifier_log *log)
{
	struct key *keyring = iu_sig_keyring(keyring_id, log);
	struct pkcs7_message *pkcs7;
	enum hash_algo algo;
	const u8 *d;
	u32 dlen;
	int ret;

	if (IS_ERR(keyring))
		return PTR_ERR(keyring);
	pkcs7 = pkcs7_parse_message(sig, sig_len);
	if (IS_ERR(pkcs7)) {
		ret = PTR_ERR(pkcs7);
	} else {
		ret = verify_pkcs7_message_sig(img, len, pkcs7, keyring,
					       VERIFYING_UNSPECIFIED_SIGNATURE,
					       NULL, NULL);
		/* already computed by the check: this only reads it */
		if (!ret)
			ret = pkcs7_get_digest(pkcs7, &d, &dlen, &algo);
		if (!ret && dlen > HASH_MAX_DIGESTSIZE)
			ret = -EBADMSG;
		if (!ret) {
			memcpy(digest, d, dlen);
			*digest_len = dlen;
		}
		pkcs7_free_message(pkcs7);
	}
	if (keyring != VERIFY_USE_SECONDARY_KEYRING)
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
