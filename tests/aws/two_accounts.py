"""Seeds one log group name in two accounts of the emulator, and writes a credentials file.

Usage: python two_accounts.py ENDPOINT CREDENTIALS_FILE GROUP AT_MS N_A N_B

Account A is the emulator's default account (keys testing/testing); account B is 111111111111,
reached through AssumeRole (moto gives the temporary keys of the role's account). GROUP gets
N_A REPORT events in A and N_B in B, one a second from AT_MS. CREDENTIALS_FILE gets the
profiles [acct-a] and [acct-b]. Prints {"a": ACCOUNT_A, "b": ACCOUNT_B} as JSON.
"""
import json
import sys

import boto3

from emulator import client


def report(i):
    return (
        f"REPORT RequestId: 00000000-0000-4000-8000-{i:012d}\tDuration: 10.00 ms\t"
        "Billed Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t\n"
    )


def seed(logs, group, at, n):
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    events = [{"timestamp": at + i * 1000, "message": report(i)} for i in range(n)]
    logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=events)


def main():
    endpoint, creds_file, group = sys.argv[1], sys.argv[2], sys.argv[3]
    at, n_a, n_b = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
    seed(client("logs", endpoint), group, at, n_a)
    role = client("sts", endpoint).assume_role(
        RoleArn="arn:aws:iam::111111111111:role/r", RoleSessionName="faascope-test"
    )["Credentials"]
    # Clients of account B: the role's temporary keys.
    as_b = lambda service: boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=role["AccessKeyId"],
        aws_secret_access_key=role["SecretAccessKey"],
        aws_session_token=role["SessionToken"],
    )
    seed(as_b("logs"), group, at, n_b)
    with open(creds_file, "w") as f:
        f.write(
            "[acct-a]\naws_access_key_id = testing\naws_secret_access_key = testing\n\n"
            f"[acct-b]\naws_access_key_id = {role['AccessKeyId']}\n"
            f"aws_secret_access_key = {role['SecretAccessKey']}\n"
            f"aws_session_token = {role['SessionToken']}\n"
        )
    account = lambda c: c.get_caller_identity()["Account"]
    print(json.dumps({"a": account(client("sts", endpoint)), "b": account(as_b("sts"))}))


if __name__ == "__main__":
    main()
