import boto3
from google.cloud import storage
from moto import mock_aws

s3 = boto3.resource("s3")
client = boto3.client("s3")


def empty_backups():
    bucket = s3.Bucket("acme-prod-backups")
    # ruleid: python.cloud-storage-mass-delete
    bucket.objects.all().delete()
    # ruleid: python.cloud-storage-mass-delete
    bucket.object_versions.delete()
    # ruleid: python.cloud-storage-mass-delete
    bucket.delete()


def drop_bucket(name):
    # ruleid: python.cloud-storage-mass-delete
    client.delete_bucket(Bucket=name)


def empty_with_client(name):
    paginator = client.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=name):
        keys = [{"Key": obj["Key"]} for obj in page.get("Contents", [])]
        if keys:
            # ruleid: python.cloud-storage-mass-delete
            client.delete_objects(Bucket=name, Delete={"Objects": keys})


def drop_table():
    dynamodb = boto3.client("dynamodb")
    # ruleid: python.cloud-storage-mass-delete
    dynamodb.delete_table(TableName="orders")


def drop_gcs(name):
    # ruleid: python.cloud-storage-mass-delete
    storage.Client().bucket(name).delete(force=True)


def empty_one_by_one():
    bucket = s3.Bucket("acme-prod-backups")
    for obj in bucket.objects.all():
        # ruleid: python.cloud-storage-mass-delete
        obj.delete()


def empty_listed(name):
    for obj in client.list_objects_v2(Bucket=name)["Contents"]:
        # ruleid: python.cloud-storage-mass-delete
        client.delete_object(Bucket=name, Key=obj["Key"])


def delete_old_logs(name):
    bucket = s3.Bucket(name)
    for obj in bucket.objects.filter(Prefix="logs/2023/"):
        # ok: python.cloud-storage-mass-delete
        obj.delete()


def delete_prefix(name):
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=name, Prefix="tmp/uploads/"):
        keys = [{"Key": o["Key"]} for o in page.get("Contents", [])]
        # ok: python.cloud-storage-mass-delete
        client.delete_objects(Bucket=name, Delete={"Objects": keys})


def drop_container(blob_service_client):
    # ruleid: python.cloud-storage-mass-delete
    blob_service_client.delete_container("invoices")


class FakeBackend:
    def reset(self, name):
        # ok: python.cloud-storage-mass-delete
        self.backend.delete_bucket(name)
        # ok: python.cloud-storage-mass-delete
        self.tables.delete_table(name=name)


def delete_one(name, key):
    # ok: python.cloud-storage-mass-delete
    client.delete_object(Bucket=name, Key=key)


def delete_listed(name, keys):
    # ok: python.cloud-storage-mass-delete
    client.delete_objects(Bucket=name, Delete={"Objects": [{"Key": k} for k in keys]})


def delete_one_resource(key):
    obj = s3.Object("acme-uploads", key)
    # ok: python.cloud-storage-mass-delete
    obj.delete()


def list_backups():
    bucket = s3.Bucket("acme-prod-backups")
    # ok: python.cloud-storage-mass-delete
    for obj in bucket.objects.filter(Prefix="2024/"):
        print(obj.key)


@mock_aws
def test_cleanup():
    bucket = s3.Bucket("test-bucket")
    # ok: python.cloud-storage-mass-delete
    bucket.objects.all().delete()
