using DicomWeb.Server;

// The container image has no curl: its HEALTHCHECK runs this binary with --healthcheck instead.
if (args.Contains("--healthcheck")) return await HealthProbe.RunAsync(Environment.GetEnvironmentVariable("HEALTHCHECK_URL") ?? "http://127.0.0.1:8080/health/live");

var app = DicomWebApplication.Build(args);
app.Run();
return 0;
