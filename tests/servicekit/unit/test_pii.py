"""Masking and encryption of personal information (design.md §5)."""
from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from servicekit.pii import (
    PiiCipher,
    PiiDecryptionError,
    generate_key,
    mask_id,
    mask_name,
    mask_text,
    parse_retired_keys,
)

ENC_KEY = bytes(range(32))
HASH_KEY = bytes(range(32, 64))


# ---------------------------------------------------------------- mask_id


def test_mask_id_keeps_first_and_last_four() -> None:
    assert mask_id("420102199003071234") == "4201**********1234"
    assert mask_id("11010519491231002X") == "1101**********002X"
    assert mask_id("420102900307123") == "4201*******7123"


@pytest.mark.parametrize("value", ["", "1", "12345678", "123456789", "12345678901234"])
def test_mask_id_hides_short_values_completely(value: str) -> None:
    assert mask_id(value) == "*" * len(value)


def test_mask_id_long_odd_values_show_at_most_eight() -> None:
    value = "4201021990030712345678"
    masked = mask_id(value)
    assert len(masked) == len(value)
    assert sum(ch != "*" for ch in masked) == 8


# ---------------------------------------------------------------- mask_text


def test_mask_text_json_with_two_ids_and_a_phone() -> None:
    body = json.dumps(
        {
            "husband": {"id_number": "420102199003071232", "phone": "13912345678"},
            "wife": {"id_number": "11010519491231002x"},
            "certificate": "J421281-2023-000123",
        }
    )
    masked = mask_text(body)
    assert "420102199003071232" not in masked and "11010519491231002x" not in masked
    assert '"4201**********1232"' in masked
    assert '"1101**********002x"' in masked
    assert "13912345678" in masked
    assert "J421281-2023-000123" in masked
    assert len(masked) == len(body)


def test_mask_text_masks_an_id_typed_in_full_width_digits_and_keeps_the_rest_as_typed() -> None:
    typed = "冒用身份证４２１２８１１９９００３０７１２３Ｘ登记，见第３条"
    masked = mask_text(typed)
    assert masked == "冒用身份证4212**********123X登记，见第３条"
    spaced = mask_text("证件 ４２１２８１　１９９００３０７　１２３４")  # ideographic spaces between the groups
    assert "１９９００３０７" not in spaced and spaced.startswith("证件 4212")


def test_mask_text_masks_ids_with_wrong_check_digit() -> None:
    assert mask_text("id=420102199003071234;") == "id=4201**********1234;"


def test_mask_text_masks_legacy_15_digit_ids() -> None:
    assert mask_text("旧证号110105491231002。") == "旧证号1101*******1002。"


def test_mask_text_finds_ids_next_to_letters_and_chinese() -> None:
    assert mask_text("身份证420102199003071232号") == "身份证4201**********1232号"
    assert mask_text("ID11010519491231002Xabc") == "ID1101**********002Xabc"
    assert mask_text("11010519491231002X7") == "1101**********002X7"


def test_mask_text_masks_grouped_ids() -> None:
    masked = mask_text("证件 420102 19900307 1232 已核验")
    assert "19900307" not in masked
    assert masked.startswith("证件 4201") and masked.endswith("1232 已核验")
    assert "420102-19900307-1232" not in mask_text("no 420102-19900307-1232")


@pytest.mark.parametrize(
    "text",
    [
        "电话 13912345678 / 027-87654321",
        "证书编号 J421281-2023-000123",
        "订单 202312345678901234",  # 18 digits, but no plausible birth date
        "4201021990130712",  # 16 digits
        "12345678901234567890",  # 20 digits: not bounded as an ID
        "区划 421281001001",
        "金额 1000000.00 元，2024-06-10",
    ],
)
def test_mask_text_leaves_ordinary_numbers(text: str) -> None:
    assert mask_text(text) == text


def test_mask_text_no_ids() -> None:
    assert mask_text("") == ""
    assert mask_text("无个人信息") == "无个人信息"


# ---------------------------------------------------------------- mask_name


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张*"),
        ("张三丰", "张**"),
        ("欧阳娜娜", "欧阳**"),
        ("欧阳娜", "欧阳*"),
        ("欧阳", "欧*"),
        ("张", "*"),
        ("买买提·艾力", "买**·**"),
        ("John Smith", "J*** *****"),
        (" 李四 ", "李*"),
        ("", ""),
    ],
)
def test_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


# ---------------------------------------------------------------- PiiCipher


@pytest.fixture(name="cipher")
def fixture_cipher() -> PiiCipher:
    return PiiCipher(ENC_KEY, HASH_KEY)


def test_round_trip(cipher: PiiCipher) -> None:
    for plain in ("420102199003071232", "张三 欧阳娜娜", ""):
        assert cipher.decrypt(cipher.encrypt(plain)) == plain


def test_blob_layout_and_random_nonce(cipher: PiiCipher) -> None:
    first, second = cipher.encrypt("420102199003071232"), cipher.encrypt("420102199003071232")
    assert first[:1] == b"\x01"
    assert len(first) == 1 + 12 + len("420102199003071232") + 16
    assert first != second
    assert b"420102199003071232" not in first


def test_every_tampered_byte_is_detected(cipher: PiiCipher) -> None:
    blob = cipher.encrypt("420102199003071232")
    for i in range(len(blob)):
        tampered = blob[:i] + bytes([blob[i] ^ 0x01]) + blob[i + 1 :]
        with pytest.raises(PiiDecryptionError):
            cipher.decrypt(tampered)


def test_truncated_and_foreign_blobs_are_refused(cipher: PiiCipher) -> None:
    blob = cipher.encrypt("x")
    for bad in (b"", b"\x01", blob[:-1], b"\x02" + blob[1:]):
        with pytest.raises(PiiDecryptionError):
            cipher.decrypt(bad)


def test_other_key_cannot_decrypt(cipher: PiiCipher) -> None:
    other = PiiCipher(bytes(reversed(ENC_KEY)), HASH_KEY)
    with pytest.raises(PiiDecryptionError):
        other.decrypt(cipher.encrypt("420102199003071232"))


def test_decryption_error_is_a_value_error() -> None:
    assert issubclass(PiiDecryptionError, ValueError)


# ---------------------------------------------------------------- key rotation

NEW_KEY = bytes(range(64, 96))
# A blob written by the version-1 cipher before rotation existed (ENC_KEY, fixed nonce): what the
# database holds today must keep decrypting with the default settings.
_V1_NONCE = bytes(12)
V1_BLOB = b"\x01" + _V1_NONCE + AESGCM(ENC_KEY).encrypt(_V1_NONCE, "420102199003071232".encode(), b"\x01")


def b64(key: bytes) -> str:
    return base64.b64encode(key).decode()


def test_default_cipher_is_version_1_and_reads_existing_blobs(cipher: PiiCipher) -> None:
    assert cipher.version == 1 and cipher.readable_versions == {1}
    assert cipher.decrypt(V1_BLOB) == "420102199003071232"
    assert PiiCipher.from_base64(b64(ENC_KEY), b64(HASH_KEY)).decrypt(V1_BLOB) == "420102199003071232"


def test_rotated_cipher_writes_the_new_version_and_reads_the_retired_one() -> None:
    rotated = PiiCipher(NEW_KEY, HASH_KEY, version=2, retired={1: ENC_KEY})
    assert rotated.decrypt(V1_BLOB) == "420102199003071232"
    blob = rotated.encrypt("420102199003071232")
    assert blob[0] == 2 and rotated.is_current(blob) and not rotated.is_current(V1_BLOB)
    assert rotated.decrypt(blob) == "420102199003071232"
    # The old configuration cannot read the new blobs, and the new key alone not the old ones.
    old, new_only = PiiCipher(ENC_KEY, HASH_KEY), PiiCipher(NEW_KEY, HASH_KEY, version=2)
    for reader, unreadable in ((old, blob), (new_only, V1_BLOB)):
        with pytest.raises(PiiDecryptionError, match="unknown encryption version"):
            reader.decrypt(unreadable)
    # The version byte is authenticated: relabelling a v1 blob as v2 (or back) fails.
    with pytest.raises(PiiDecryptionError, match="authentication"):
        rotated.decrypt(b"\x02" + V1_BLOB[1:])
    with pytest.raises(PiiDecryptionError, match="authentication"):
        rotated.decrypt(b"\x01" + blob[1:])
    # The digest does not depend on the encryption keys: look-ups keep matching across a rotation.
    assert rotated.digest("420102199003071232") == PiiCipher(ENC_KEY, HASH_KEY).digest("420102199003071232")


def test_several_retired_versions_and_a_non_sequential_current_one() -> None:
    v1 = PiiCipher(ENC_KEY, HASH_KEY)
    v2 = PiiCipher(NEW_KEY, HASH_KEY, version=2)
    v7 = PiiCipher(bytes(range(100, 132)), HASH_KEY, version=7, retired={1: ENC_KEY, 2: NEW_KEY})
    assert v7.readable_versions == {1, 2, 7}
    for blob in (v1.encrypt("甲"), v2.encrypt("甲"), v7.encrypt("甲")):
        assert v7.decrypt(blob) == "甲"
    assert v7.encrypt("甲")[0] == 7


def test_unknown_version_is_refused_without_the_value() -> None:
    rotated = PiiCipher(NEW_KEY, HASH_KEY, version=2, retired={1: ENC_KEY})
    with pytest.raises(PiiDecryptionError, match="unknown encryption version 03") as err:
        rotated.decrypt(b"\x03" + V1_BLOB[1:])
    assert "420102" not in str(err.value)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"version": 0}, "1 to 255"),
    ({"version": 256}, "1 to 255"),
    ({"version": 2, "retired": {2: ENC_KEY}}, "also listed as retired"),
    ({"version": 2, "retired": {0: ENC_KEY}}, "1 to 255"),
    ({"version": 2, "retired": {1: b"short"}}, "32 bytes"),
    ({"version": 2, "retired": {1: NEW_KEY}}, "a rotation needs a new key"),
    ({"version": 2, "retired": {1: HASH_KEY}}, "different keys"),
])
def test_bad_rotation_keys_refused(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PiiCipher(NEW_KEY, HASH_KEY, **kwargs)


def test_parse_retired_keys() -> None:
    assert parse_retired_keys("") == {}
    assert parse_retired_keys(f" 1:{b64(ENC_KEY)} , 3:{b64(NEW_KEY)},") == {1: ENC_KEY, 3: NEW_KEY}


@pytest.mark.parametrize(("text", "message"), [
    (b64(ENC_KEY), "entry 1 is not <version>:<base64 key>"),
    (f"x:{b64(ENC_KEY)}", "entry 1 is not"),
    (f"1:{b64(ENC_KEY)},-2:{b64(NEW_KEY)}", "entry 2 is not"),
    (f"1:{b64(ENC_KEY)},1:{b64(NEW_KEY)}", "version 1 is listed twice"),
    (f"256:{b64(ENC_KEY)}", "1 to 255"),
    ("0:" + b64(ENC_KEY), "1 to 255"),
    ("2:not base64!", "version 2 is not valid base64"),
])
def test_parse_retired_keys_refuses_without_showing_the_key(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as err:
        parse_retired_keys(text, "CIVIC_PII_RETIRED_KEYS")
    assert "CIVIC_PII_RETIRED_KEYS" in str(err.value)
    assert b64(ENC_KEY) not in str(err.value) and "not base64!" not in str(err.value)


def test_from_base64_with_retired_keys() -> None:
    rotated = PiiCipher.from_base64(b64(NEW_KEY), b64(HASH_KEY), version=2, retired=f"1:{b64(ENC_KEY)}")
    assert rotated.decrypt(V1_BLOB) == "420102199003071232"
    assert "version=2" in repr(rotated) and b64(ENC_KEY) not in repr(rotated)


def test_digest_is_stable_and_key_dependent(cipher: PiiCipher) -> None:
    value = "420102199003071232"
    digest = cipher.digest(value)
    assert len(digest) == 32
    assert digest == PiiCipher(ENC_KEY, HASH_KEY).digest(value)
    assert digest != cipher.digest("420102199003071233")
    assert digest != PiiCipher(ENC_KEY, bytes(reversed(HASH_KEY))).digest(value)
    # The encryption key plays no part in the digest: it can be rotated without re-indexing.
    assert digest == PiiCipher(bytes(reversed(ENC_KEY)), HASH_KEY).digest(value)


@pytest.mark.parametrize(
    ("enc", "hsh"),
    [(b"short", HASH_KEY), (ENC_KEY, b"x" * 31), (ENC_KEY + b"x", HASH_KEY), (ENC_KEY, ENC_KEY)],
)
def test_bad_keys_refused(enc: bytes, hsh: bytes) -> None:
    with pytest.raises(ValueError):
        PiiCipher(enc, hsh)


def test_from_base64_and_generate_key() -> None:
    enc_b64, hash_b64 = generate_key(), generate_key()
    assert enc_b64 != hash_b64
    assert len(base64.b64decode(enc_b64)) == 32
    cipher = PiiCipher.from_base64(enc_b64, hash_b64)
    assert cipher.decrypt(cipher.encrypt("李四")) == "李四"
    same = PiiCipher.from_base64(base64.b64encode(ENC_KEY).decode(), base64.b64encode(HASH_KEY).decode())
    assert same.digest("a") == PiiCipher(ENC_KEY, HASH_KEY).digest("a")


@pytest.mark.parametrize("bad", ["not base64!", base64.b64encode(b"x" * 16).decode()])
def test_from_base64_refuses_bad_keys(bad: str) -> None:
    with pytest.raises(ValueError):
        PiiCipher.from_base64(bad, generate_key())


def test_repr_hides_keys(cipher: PiiCipher) -> None:
    assert ENC_KEY.hex() not in repr(cipher) and str(ENC_KEY) not in repr(cipher)
