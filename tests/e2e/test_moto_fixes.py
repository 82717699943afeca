"""The moto gap the fault tests hit (tfsuite.aws.moto_fixes) stays closed."""


def test_deleting_a_key_with_a_delete_marker_in_a_suspended_bucket_works(emulator_target):
    s3, bucket = emulator_target.client("s3"), "e2e-moto-fix-suspended"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": emulator_target.region})
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=bucket, Key="empty_model/1/saved_model.pb", Body=b"v1")
    s3.delete_object(Bucket=bucket, Key="empty_model/1/saved_model.pb")  # leaves a delete marker
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})

    answer = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "empty_model/1/saved_model.pb"}]})
    assert answer.get("Errors", []) == []
    s3.delete_bucket(Bucket=bucket)
