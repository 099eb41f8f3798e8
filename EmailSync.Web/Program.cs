using EmailSync.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddEmailSyncWeb();

var app = builder.Build();
app.UseEmailSyncWeb();
app.Run();

/// <summary>The web host; public so integration tests can start it with WebApplicationFactory.</summary>
public partial class Program;
