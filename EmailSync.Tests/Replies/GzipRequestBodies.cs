using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace EmailSync.Tests.Replies;

/// <summary>
/// Test-host shim: Google.Apis gzips request bodies (GZipEnabled), which the emulator on main does not decode yet
/// (the emulator branch does). Decompresses them in front of the embedded emulator. Remove once that branch is merged.
/// </summary>
internal sealed class GzipRequestBodies : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, inner) =>
        {
            if (context.Request.Path.StartsWithSegments("/google")
                && context.Request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase))
            {
                var decoded = new MemoryStream();
                context.Response.RegisterForDispose(decoded);
                await using (var gzip = new System.IO.Compression.GZipStream(context.Request.Body, System.IO.Compression.CompressionMode.Decompress))
                {
                    await gzip.CopyToAsync(decoded);
                }

                decoded.Position = 0;
                context.Request.Body = decoded;
                context.Request.ContentLength = decoded.Length;
                context.Request.Headers.Remove("Content-Encoding");
            }

            await inner(context);
        });
        next(app);
    };
}
