using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EmailSync.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class MailboxSync : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "ConsecutiveFailures",
                table: "MailboxConnections",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "NextAttemptAt",
                table: "MailboxConnections",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "SyncRequestedAt",
                table: "MailboxConnections",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "WatchExpiresAt",
                table: "MailboxConnections",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "WatchRenewedAt",
                table: "MailboxConnections",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "MailboxSyncStates",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MailboxConnectionId = table.Column<long>(type: "INTEGER", nullable: false),
                    ScopeFingerprint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    WindowStart = table.Column<long>(type: "INTEGER", nullable: false),
                    QueryIndex = table.Column<int>(type: "INTEGER", nullable: false),
                    PageToken = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    BackfillCompletedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Listed = table.Column<int>(type: "INTEGER", nullable: false),
                    Fetched = table.Column<int>(type: "INTEGER", nullable: false),
                    Imported = table.Column<int>(type: "INTEGER", nullable: false),
                    Failed = table.Column<int>(type: "INTEGER", nullable: false),
                    TotalEstimate = table.Column<int>(type: "INTEGER", nullable: false),
                    LastReconciledAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastReconcileMissing = table.Column<int>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MailboxSyncStates", x => x.Id);
                    table.ForeignKey(
                        name: "FK_MailboxSyncStates_MailboxConnections_MailboxConnectionId",
                        column: x => x.MailboxConnectionId,
                        principalTable: "MailboxConnections",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_MailboxSyncStates_Organizations_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "Organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_MailboxSyncStates_MailboxConnectionId_OrganizationId",
                table: "MailboxSyncStates",
                columns: new[] { "MailboxConnectionId", "OrganizationId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_MailboxSyncStates_OrganizationId",
                table: "MailboxSyncStates",
                column: "OrganizationId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "MailboxSyncStates");

            migrationBuilder.DropColumn(
                name: "ConsecutiveFailures",
                table: "MailboxConnections");

            migrationBuilder.DropColumn(
                name: "NextAttemptAt",
                table: "MailboxConnections");

            migrationBuilder.DropColumn(
                name: "SyncRequestedAt",
                table: "MailboxConnections");

            migrationBuilder.DropColumn(
                name: "WatchExpiresAt",
                table: "MailboxConnections");

            migrationBuilder.DropColumn(
                name: "WatchRenewedAt",
                table: "MailboxConnections");
        }
    }
}
