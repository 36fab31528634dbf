using DicomWeb.Server.Hosting;
using DicomWeb.Server.Http;
using DicomWeb.Server.Qido;
using DicomWeb.Server.Stow;
using DicomWeb.Server.Wado;
using DicomWeb.Storage;
using DicomWeb.Storage.Retrieval;

namespace DicomWeb.Server;

/// <summary>Builds the web application; tests call this too so they run exactly what production runs.</summary>
public static class DicomWebApplication
{
    /// <summary>Creates the configured application from command-line arguments and the usual configuration sources.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);

        var options = builder.Configuration.GetSection(DicomWebOptions.Section).Get<DicomWebOptions>() ?? new DicomWebOptions();
        options.Validate();
        var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        builder.Services.AddSingleton(options);
        builder.Services.AddDicomStorage(storage);
        builder.Services.AddHostedService<StorageInitialization>();
        builder.Services.AddSingleton<ServiceUrls>();
        builder.Services.AddSingleton<StowService>();
        builder.Services.AddSingleton<InstanceCatalog>();
        builder.Services.AddSingleton<WadoService>();
        QidoStartup.AddQido(builder.Services, builder.Configuration);
        builder.Services.AddProblemDetails();
        builder.AddDicomWebHosting(options);

        var app = builder.Build();
        app.UseDicomWebHosting();
        app.MapCapabilities(options.RootPath);
        app.MapHealthEndpoints();
        app.MapStow(options.RootPath);
        app.MapQido(options.RootPath);
        app.MapWado(options.RootPath);
        app.MapDelete(options.RootPath);
        app.MapWadoUri("/wado");
        if (options.EnableAliases)
        {
            app.MapStow("/stowrs");
            app.MapQido("/qidors");
            app.MapWado("/wadors");
        }
        return app;
    }

    /// <summary>Prepares the data folder and index before the server accepts requests.</summary>
    private sealed class StorageInitialization(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => services.InitializeDicomStorageAsync(cancellationToken);
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
