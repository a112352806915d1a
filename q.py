import sys, time
sys.path.insert(0, "/work/main/tests/aws")
from emulator import client
logs = client("logs", "http://127.0.0.1:5055")
now = int(time.time())
q = logs.start_query(logGroupNames=["/aws/lambda/alpha-2"], startTime=now-86400*2, endTime=now, queryString=sys.argv[1])
time.sleep(1)
r = logs.get_query_results(queryId=q["queryId"])
print(r["status"], len(r["results"]), r["results"][:2], r.get("statistics"))
