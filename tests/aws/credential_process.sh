#!/bin/sh
# A credential_process for tests: prints the [acct-b] keys of the credentials file $1 in the
# format the AWS SDKs read (Version 1 JSON).
awk '
  /^\[/ { section = $0 }
  section == "[acct-b]" && $1 == "aws_access_key_id" { id = $3 }
  section == "[acct-b]" && $1 == "aws_secret_access_key" { secret = $3 }
  section == "[acct-b]" && $1 == "aws_session_token" { token = $3 }
  END { printf "{\"Version\": 1, \"AccessKeyId\": \"%s\", \"SecretAccessKey\": \"%s\", \"SessionToken\": \"%s\"}\n", id, secret, token }
' "$1"
