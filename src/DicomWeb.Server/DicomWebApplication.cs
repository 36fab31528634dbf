namespace DicomWeb.Server;

/// <summary>Builds the web application; tests call this too so they run exactly what production runs.</summary>
public static class DicomWebApplication
{
    /// <summary>Creates the configured application from command-line arguments and the usual configuration sources.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapHealthEndpoints();
        return app;
    }
}
