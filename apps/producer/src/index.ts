// Publishing API, HTTP ingestion, account sync and the inactivity scan.
export {};
