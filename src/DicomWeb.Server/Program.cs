using DicomWeb.Server;

var app = DicomWebApplication.Build(args);
app.Run();
