# Build stage: restore once per change of the project files, then publish the server.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props ./
COPY src/DicomWeb.Dicom/DicomWeb.Dicom.csproj src/DicomWeb.Dicom/
COPY src/DicomWeb.Multipart/DicomWeb.Multipart.csproj src/DicomWeb.Multipart/
COPY src/DicomWeb.Storage/DicomWeb.Storage.csproj src/DicomWeb.Storage/
COPY src/DicomWeb.Server/DicomWeb.Server.csproj src/DicomWeb.Server/
RUN dotnet restore src/DicomWeb.Server/DicomWeb.Server.csproj
COPY src/ src/
RUN dotnet publish src/DicomWeb.Server/DicomWeb.Server.csproj -c Release --no-restore -o /app

# Runtime stage: the ASP.NET runtime image (it carries ICU; SQLite's native library ships in the publish output,
# and the DICOM codecs are managed code), the image's non-root "app" user and a data volume.
FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
COPY appsettings.json .
# appsettings.json listens on port 8080; data, index and log files go to the volume.
ENV Storage__Path=/data \
    DicomWeb__Logging__FilePath=/data/logs/dicomweb.log \
    HEALTHCHECK_URL=http://127.0.0.1:8080/health/ready
RUN mkdir -p /data/logs && chown -R app:app /data
USER app
VOLUME /data
EXPOSE 8080
# SIGTERM lets stores in flight finish (shutdownTimeoutSeconds, default 30): give docker stop at least that long (--stop-timeout).
STOPSIGNAL SIGTERM
# The image has no curl: the server binary probes itself (exit 0 when /health/ready answers 200).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["dotnet", "DicomWeb.Server.dll", "--healthcheck"]
ENTRYPOINT ["dotnet", "DicomWeb.Server.dll"]
