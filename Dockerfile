# Build stage: restore and publish the server.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/DicomWeb.Server -c Release -o /app

# Runtime stage: the ASP.NET runtime, a non-root user and a data volume.
FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
COPY appsettings.json .
ENV Storage__Path=/data ASPNETCORE_URLS=http://+:8080
RUN mkdir -p /data && chown app:app /data
USER app
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s CMD ["dotnet", "DicomWeb.Server.dll", "--healthcheck"]
ENTRYPOINT ["dotnet", "DicomWeb.Server.dll"]
