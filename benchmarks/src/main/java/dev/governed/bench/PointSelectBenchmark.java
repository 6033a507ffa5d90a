package dev.governed.bench;

import com.p6spy.engine.spy.P6DataSource;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import net.ttddyy.dsproxy.support.ProxyDataSourceBuilder;
import org.h2.jdbcx.JdbcDataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * An H2 point select through the raw driver, Governed (analysis and identity cache
 * hits), p6spy with its default logging, and datasource-proxy without listeners;
 * and literal SQL with a new literal on every call, raw against Governed.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class PointSelectBenchmark {

    private static final String POINT_SELECT = "SELECT name FROM customers WHERE id = ?";

    private BenchDatabase database;
    private Connection raw;
    private Connection governed;
    private Connection p6spy;
    private Connection datasourceProxy;
    private Connection remotePolicy;
    private Connection governedNoAudit;
    private PreparedStatement governedNoAuditSelect;
    private PolicyService policyService;
    private PreparedStatement remotePolicySelect;
    private PreparedStatement rawSelect;
    private PreparedStatement governedSelect;
    private PreparedStatement p6spySelect;
    private PreparedStatement datasourceProxySelect;
    private Statement rawStatement;
    private Statement governedStatement;
    private Statement governedNoAuditStatement;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        database = new BenchDatabase("point_select");
        raw = database.raw();
        governed = database.governed();
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(database.rawUrl);
        h2.setUser("sa");
        System.setProperty("p6spy.config.logfile", Files.createTempFile(database.work, "spy", ".log").toString());
        DataSource p6 = new P6DataSource(h2);
        p6spy = p6.getConnection();
        datasourceProxy = ProxyDataSourceBuilder.create(h2).build().getConnection();
        policyService = PolicyService.serving("bench-policy.yaml");
        java.util.Properties remote = database.governedProperties();
        remote.setProperty("governed.policy", policyService.uri().toString());
        remote.setProperty("governed.audit", "discard"); // compared with preparedGovernedNoAudit: only the policy's origin differs
        remotePolicy = database.governed(remote);
        remotePolicySelect = remotePolicy.prepareStatement(POINT_SELECT);
        java.util.Properties noAudit = database.governedProperties();
        noAudit.setProperty("governed.audit", "discard");
        governedNoAudit = database.governed(noAudit);
        governedNoAuditSelect = governedNoAudit.prepareStatement(POINT_SELECT);
        rawSelect = raw.prepareStatement(POINT_SELECT);
        governedSelect = governed.prepareStatement(POINT_SELECT);
        p6spySelect = p6spy.prepareStatement(POINT_SELECT);
        datasourceProxySelect = datasourceProxy.prepareStatement(POINT_SELECT);
        rawStatement = raw.createStatement();
        governedStatement = governed.createStatement();
        governedNoAuditStatement = governedNoAudit.createStatement();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        for (Connection each : new Connection[] {raw, governed, p6spy, datasourceProxy, remotePolicy, governedNoAudit}) {
            each.close();
        }
        policyService.close();
        database.close();
    }

    private int nextId() {
        next = (next + 7) % BenchDatabase.CUSTOMERS;
        return next;
    }

    /** One H2 point select by primary key; every point-select benchmark runs exactly this. */
    static String pointSelect(PreparedStatement statement, int id) throws SQLException {
        statement.setInt(1, id);
        try (ResultSet result = statement.executeQuery()) {
            result.next();
            return result.getString(1);
        }
    }

    private static String literalSelect(Statement statement, int id) throws SQLException {
        try (ResultSet result = statement.executeQuery("SELECT name FROM customers WHERE id = " + id)) {
            result.next();
            return result.getString(1);
        }
    }

    @Benchmark
    public String preparedRaw() throws SQLException {
        return pointSelect(rawSelect, nextId());
    }

    @Benchmark
    public String preparedGoverned() throws SQLException {
        return pointSelect(governedSelect, nextId());
    }

    /** The same as {@link #preparedGovernedNoAudit}, with the policy from the enforcement service instead of a file. */
    @Benchmark
    public String preparedRemotePolicy() throws SQLException {
        return pointSelect(remotePolicySelect, nextId());
    }

    /**
     * Governed's enforcement path alone: the same statement with its events handed to a sink that
     * discards them, so the audit writer's disk throughput does not set the pace.
     */
    @Benchmark
    public String preparedGovernedNoAudit() throws SQLException {
        return pointSelect(governedNoAuditSelect, nextId());
    }

    @Benchmark
    public String preparedP6spy() throws SQLException {
        return pointSelect(p6spySelect, nextId());
    }

    @Benchmark
    public String preparedDatasourceProxy() throws SQLException {
        return pointSelect(datasourceProxySelect, nextId());
    }

    @Benchmark
    public String literalRaw() throws SQLException {
        return literalSelect(rawStatement, nextId());
    }

    @Benchmark
    public String literalGoverned() throws SQLException {
        return literalSelect(governedStatement, nextId());
    }

    /** Literal SQL with the events handed to the {@code discard} sink: analysis and decision without the audit writer. */
    @Benchmark
    public String literalGovernedNoAudit() throws SQLException {
        return literalSelect(governedNoAuditStatement, nextId());
    }
}
