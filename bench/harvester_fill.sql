-- Harvester's workers for a benchmark database generated before generate_jobs wrote them
-- (MariaDB): one worker per job a pilot took, linked to it, as harvester/synthetic.py makes
-- them (without the extra workers that found no job). Run with: mysql pandamon_bench < this file
INSERT IGNORE INTO harvester_instances (harvester_id, description, hostname, lastupdate, sw_version)
SELECT DISTINCT SUBSTRING(schedulerid, 11), 'bench', 'aipanda180.cern.ch', NOW(), '0.5.10'
FROM jobsactive4 WHERE schedulerid LIKE 'harvester-%';
INSERT IGNORE INTO harvester_workers (harvesterid, workerid, lastupdate, status, batchid, nodeid, queuename,
  computingsite, submittime, starttime, endtime, ncore, resourcetype, jobtype, njobs, errorcode, diagmessage)
SELECT SUBSTRING(schedulerid, 11), pandaid - 4600000000 + 10000000, modificationtime,
  CASE WHEN jobstatus IN ('sent', 'starting') THEN 'submitted'
       WHEN jobstatus IN ('running', 'holding', 'merging', 'transferring') THEN 'running'
       WHEN jobstatus IN ('finished', 'failed') THEN jobstatus ELSE 'cancelled' END,
  batchid, modificationhost, computingsite, computingsite, creationtime, starttime, endtime, corecount,
  resource_type, prodsourcelabel, 1, 0, ''
FROM (SELECT pandaid, schedulerid, jobstatus, modificationtime, batchid, modificationhost, computingsite, creationtime, starttime, endtime, corecount, resource_type, prodsourcelabel
      FROM jobsactive4 UNION ALL SELECT pandaid, schedulerid, jobstatus, modificationtime, batchid, modificationhost, computingsite, creationtime, starttime, endtime, corecount, resource_type, prodsourcelabel
      FROM jobsarchived4 UNION ALL SELECT pandaid, schedulerid, jobstatus, modificationtime, batchid, modificationhost, computingsite, creationtime, starttime, endtime, corecount, resource_type, prodsourcelabel
      FROM jobsarchived) j
WHERE schedulerid LIKE 'harvester-%';
INSERT IGNORE INTO harvester_rel_jobs_workers (harvesterid, workerid, pandaid, lastupdate)
SELECT harvesterid, workerid, workerid - 10000000 + 4600000000, lastupdate FROM harvester_workers;
