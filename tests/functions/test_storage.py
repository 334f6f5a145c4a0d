"""LocalStorage semantics, and OssStorage's mapping onto the oss2 SDK (with a fake SDK)."""

from __future__ import annotations

import hashlib
import types

import pytest

from functions.transcoder.storage import LocalStorage, ObjectInfo, OssStorage, SourceChanged, normalize_etag


def test_local_head_mirrors_oss_etag(tmp_path):
    store = LocalStorage(tmp_path)
    store.put_bytes("b", "dir/k.bin", b"hello", "application/octet-stream")
    assert store.head("b", "dir/k.bin") == ObjectInfo(5, hashlib.md5(b"hello").hexdigest().upper())
    assert store.head("b", "missing") is None
    assert store.get_bytes("b", "missing") is None


def test_local_put_is_atomic_and_leaves_no_staging(tmp_path):
    store = LocalStorage(tmp_path)
    src = tmp_path / "src.bin"
    src.write_bytes(b"x" * 1000)
    store.put_file("b", "a/b/c.bin", str(src), "x")
    assert store.get_bytes("b", "a/b/c.bin") == b"x" * 1000
    assert not (tmp_path / ".staging").exists()
    assert store.list_keys("b", "") == ["a/b/c.bin"]


def test_local_failed_write_leaves_nothing(tmp_path):
    store = LocalStorage(tmp_path)
    with pytest.raises(FileNotFoundError):
        store.put_file("b", "k", str(tmp_path / "does-not-exist"), "x")
    assert store.list_keys("b", "") == [] and not (tmp_path / "b" / "k").exists()


def test_local_delete_prunes_empty_folders(tmp_path):
    store = LocalStorage(tmp_path)
    store.put_bytes("b", "out/v/1", b"1", "x")
    store.put_bytes("b", "keep", b"k", "x")
    store.delete("b", ["out/v/1", "out/v/missing"])
    assert store.list_keys("b", "") == ["keep"] and not (tmp_path / "b" / "out").exists()


def test_local_download_checks_the_etag(tmp_path):
    store = LocalStorage(tmp_path)
    store.put_bytes("b", "k", b"v1", "x")
    etag = store.head("b", "k").etag
    store.download("b", "k", str(tmp_path / "copy"), if_match=f'"{etag.lower()}"')
    assert (tmp_path / "copy").read_bytes() == b"v1"
    store.put_bytes("b", "k", b"v2", "x")
    with pytest.raises(SourceChanged):
        store.download("b", "k", str(tmp_path / "copy2"), if_match=etag)


@pytest.mark.parametrize(
    ("bucket", "key"), [("b", "../escape"), ("b", "a/../../x"), ("../b", "k"), ("b", "/abs"), (".staging", "k")]
)
def test_local_refuses_paths_that_escape(tmp_path, bucket, key):
    with pytest.raises(ValueError, match="escape"):
        LocalStorage(tmp_path).path(bucket, key)


def test_normalize_etag():
    assert normalize_etag(' "abc-2" ') == "ABC-2"


# -- OssStorage against a fake oss2 ---------------------------------------------------------------


class NotFound(Exception):
    pass


class PreconditionFailed(Exception):
    pass


class FakeBucket:
    def __init__(self):
        self.objects: dict[str, bytes] = {}
        self.calls: list[tuple] = []

    def head_object(self, key):
        if key not in self.objects:
            raise NotFound(key)
        return types.SimpleNamespace(content_length=len(self.objects[key]), etag='"ab12"')

    def get_object_to_file(self, key, path, headers=None):
        self.calls.append(("get_object_to_file", key, headers))
        if headers and headers.get("If-Match") != '"AB12"':
            raise PreconditionFailed(key)
        open(path, "wb").write(self.objects[key])

    def get_object(self, key):
        if key not in self.objects:
            raise NotFound(key)
        return types.SimpleNamespace(read=lambda: self.objects[key])

    def put_object(self, key, data, headers=None):
        self.calls.append(("put_object", key, headers))
        self.objects[key] = data

    def put_object_from_file(self, key, path, headers=None):
        self.calls.append(("put_object_from_file", key, headers))
        self.objects[key] = open(path, "rb").read()

    def batch_delete_objects(self, keys):
        self.calls.append(("batch_delete_objects", len(keys)))
        for k in keys:
            self.objects.pop(k, None)


def fake_oss2(bucket):
    return types.SimpleNamespace(
        exceptions=types.SimpleNamespace(NotFound=NotFound, PreconditionFailed=PreconditionFailed),
        ObjectIterator=lambda b, prefix: [types.SimpleNamespace(key=k) for k in b.objects if k.startswith(prefix)],
    )


def test_oss_storage_maps_onto_oss2(tmp_path):
    bucket = FakeBucket()
    store = OssStorage(lambda name: bucket, fake_oss2(bucket))
    assert store.head("b", "k") is None
    store.put_bytes("b", "k", b"data", "application/json")
    assert bucket.calls[-1] == ("put_object", "k", {"Content-Type": "application/json"})
    assert store.head("b", "k") == ObjectInfo(4, "AB12")
    assert store.get_bytes("b", "k") == b"data" and store.get_bytes("b", "nope") is None
    store.download("b", "k", str(tmp_path / "f"), if_match="ab12")
    assert (tmp_path / "f").read_bytes() == b"data"
    with pytest.raises(SourceChanged):
        store.download("b", "k", str(tmp_path / "g"), if_match="FFFF")
    small = tmp_path / "small"
    small.write_bytes(b"s")
    store.put_file("b", "out/s.ts", str(small), "video/mp2t")
    assert bucket.calls[-1] == ("put_object_from_file", "out/s.ts", {"Content-Type": "video/mp2t"})
    assert store.list_keys("b", "out/") == ["out/s.ts"]


def test_oss_delete_batches_by_1000():
    bucket = FakeBucket()
    store = OssStorage(lambda name: bucket, fake_oss2(bucket))
    store.delete("b", [f"k{i}" for i in range(2500)])
    assert [c for c in bucket.calls if c[0] == "batch_delete_objects"] == [
        ("batch_delete_objects", 1000), ("batch_delete_objects", 1000), ("batch_delete_objects", 500)
    ]  # fmt: skip


def test_oss_credentials_come_from_the_fc_environment(monkeypatch):
    from functions.transcoder import storage

    seen = {}
    fake = types.ModuleType("oss2")
    fake.StsAuth = lambda *a: seen.setdefault("auth", ("sts", *a))
    fake.Auth = lambda *a: seen.setdefault("auth", ("ak", *a))
    fake.Bucket = lambda auth, endpoint, name: seen.setdefault("bucket", (endpoint, name))
    monkeypatch.setitem(__import__("sys").modules, "oss2", fake)
    env = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "id", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "secret",
           "ALIBABA_CLOUD_SECURITY_TOKEN": "token", "FC_REGION": "cn-shanghai"}  # fmt: skip
    store = storage.OssStorage.from_runtime(env, types.SimpleNamespace(), endpoint="", region=None)
    store._bucket("replays")
    assert seen == {"auth": ("sts", "id", "secret", "token"),
                    "bucket": ("https://oss-cn-shanghai-internal.aliyuncs.com", "replays")}  # fmt: skip


def test_oss_credentials_fall_back_to_context_and_errors_never_show_values(monkeypatch):
    from functions.transcoder import storage

    creds = types.SimpleNamespace(access_key_id="cid", access_key_secret="csecret", security_token="ctoken")
    assert storage._credentials({}, types.SimpleNamespace(credentials=creds)) == ("cid", "csecret", "ctoken")
    with pytest.raises(RuntimeError) as info:
        storage._credentials({"ALIBABA_CLOUD_ACCESS_KEY_ID": "only-the-id"}, types.SimpleNamespace())
    assert "only-the-id" not in str(info.value) and "ALIBABA_CLOUD_ACCESS_KEY_SECRET" in str(info.value)
